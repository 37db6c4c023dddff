package dev.pagewire.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.opentest4j.AssertionFailedError;

/**
 * Waits on conditions with a deadline, so tests never guess with {@code Thread.sleep}. Stateless
 * and thread-safe; the calling thread polls, it never spawns another.
 */
public final class Wait {

    /** A deadline generous enough for a busy two-core machine; tests normally pass in milliseconds. */
    public static final Duration LONG = Duration.ofSeconds(10);

    /** How long to park between two looks at the condition: short, so tests stay fast. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private Wait() {}

    /**
     * Returns as soon as {@code condition} is true, or fails the test once {@code timeout} has passed.
     * The condition is checked at least once and once more at the deadline, only from the current
     * thread; an exception it throws propagates at once.
     *
     * @param what what is being waited for, phrased to read after "waiting for"
     * @throws AssertionFailedError if the condition is still false at the deadline
     */
    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionFailedError("Timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            LockSupport.parkNanos(Math.min(POLL_NANOS, left));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionFailedError("Interrupted while waiting for " + what);
            }
        }
    }

    /** {@link #await(Duration, String, BooleanSupplier)} with the {@link #LONG} deadline. */
    public static void await(String what, BooleanSupplier condition) {
        await(LONG, what, condition);
    }
}
