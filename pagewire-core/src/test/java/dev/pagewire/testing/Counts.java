package dev.pagewire.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.opentest4j.AssertionFailedError;

/**
 * How often each outcome happened in a property's tries ({@link Fuzz#forAll}), to check that the
 * generators reach every outcome. The shares do not depend on the number of tries (every try
 * draws from the same distribution), but under {@link #MIN_TRIES} they say too little to check.
 * Thread-safe: a try runs on a thread of its own.
 */
public final class Counts<K> {

    private static final int MIN_TRIES = 500;

    private final Map<K, Integer> counts = new ConcurrentHashMap<>();

    /** Counts one {@code outcome}. */
    public void add(K outcome) {
        counts.merge(outcome, 1, Integer::sum);
    }

    /** Fails if {@code outcome} was at most {@code percent} % of the tries (not checked under 500 tries). */
    public void assertShareAbove(K outcome, double percent) {
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        double share = 100.0 * counts.getOrDefault(outcome, 0) / Math.max(1, total);
        if (Fuzz.REPORT) {
            System.out.printf("  %s: %.1f %% of %d tries%n", outcome, share, total);
        }
        if (total >= MIN_TRIES && share <= percent) {
            throw new AssertionFailedError(String.format(
                    "%s: %.1f %% of %d tries, not above %s %%; all: %s", outcome, share, total, percent, counts));
        }
    }
}
