package dev.pagewire.netty.testing;

import dev.pagewire.netty.testing.FaultyRelay.Direction;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link FaultyRelay#chaos} does: how many cuts, and where or when each one lands, drawn
 * uniformly between two bounds (so the mean is half-way between them). Immutable.
 */
public sealed interface ChaosPlan {

    /** How many cuts the plan makes before it is done; positive. */
    int cuts();

    /**
     * Cuts {@code cuts} times, each after a random number of bytes in {@code direction} between
     * {@code minBytes} and {@code maxBytes} (both included), counted as {@link
     * FaultyRelay#cutAfter} counts them, from the previous cut on. On a deterministic byte stream
     * the same seed cuts at exactly the same offsets.
     */
    static ChaosPlan afterBytes(Direction direction, long minBytes, long maxBytes, int cuts) {
        return new AfterBytes(direction, minBytes, maxBytes, cuts);
    }

    /**
     * Cuts {@code cuts} times, each a random delay between {@code minDelay} and {@code maxDelay}
     * (millisecond resolution) after the previous one, by {@link FaultyRelay#cutAll()}. A cut
     * that finds no connection open still counts. The delays are reproducible from the seed; what
     * they hit depends on the timing of the test.
     */
    static ChaosPlan afterTime(Duration minDelay, Duration maxDelay, int cuts) {
        return new AfterTime(minDelay, maxDelay, cuts);
    }

    /** See {@link ChaosPlan#afterBytes}. */
    record AfterBytes(Direction direction, long minBytes, long maxBytes, int cuts) implements ChaosPlan {

        public AfterBytes {
            Objects.requireNonNull(direction, "direction");
            if (minBytes < 0 || maxBytes < minBytes || maxBytes == Long.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "need 0 <= minBytes <= maxBytes < Long.MAX_VALUE, got " + minBytes + ".." + maxBytes);
            }
            requirePositive(cuts);
        }
    }

    /** See {@link ChaosPlan#afterTime}. */
    record AfterTime(Duration minDelay, Duration maxDelay, int cuts) implements ChaosPlan {

        public AfterTime {
            Objects.requireNonNull(minDelay, "minDelay");
            Objects.requireNonNull(maxDelay, "maxDelay");
            if (minDelay.isNegative() || maxDelay.compareTo(minDelay) < 0) {
                throw new IllegalArgumentException("need 0 <= minDelay <= maxDelay, got " + minDelay + ".." + maxDelay);
            }
            requirePositive(cuts);
        }
    }

    private static void requirePositive(int cuts) {
        if (cuts < 1) {
            throw new IllegalArgumentException("cuts must be positive: " + cuts);
        }
    }
}
