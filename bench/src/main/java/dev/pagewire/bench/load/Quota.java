package dev.pagewire.bench.load;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The end of a measured interval: a length of time, or — with {@code --messages} — a number of
 * things counted, awaited with a deadline. Thread-safe.
 */
final class Quota {

    private static final long DEADLINE_S = 60;

    private final long durationMs;
    private final CountDownLatch left;

    /** {@code count} 0 means the interval is {@code durationMs} long. */
    Quota(long durationMs, long count) {
        this.durationMs = durationMs;
        this.left = new CountDownLatch((int) Math.min(Integer.MAX_VALUE, count));
    }

    /** Whether the interval is counted rather than timed (then there is no warm-up either). */
    boolean counted() {
        return left.getCount() > 0;
    }

    /** One more thing counted. */
    void count() {
        left.countDown();
    }

    /**
     * Waits for the end of the interval.
     *
     * @throws IllegalStateException if counting does not finish within a minute
     */
    void await(String what) throws InterruptedException {
        if (!counted()) {
            TimeUnit.MILLISECONDS.sleep(durationMs); // the measured interval is a length of time
        } else if (!left.await(DEADLINE_S, TimeUnit.SECONDS)) {
            throw new IllegalStateException(left.getCount() + " " + what + " still missing after " + DEADLINE_S + " s");
        }
    }
}
