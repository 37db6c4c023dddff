package dev.pagewire.netty.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.opentest4j.AssertionFailedError;

/**
 * Waits on conditions with a deadline, so tests never guess with {@code Thread.sleep}.
 *
 * <p>For anything inside a browser page prefer Playwright's own auto-waiting assertions
 * ({@code assertThat(locator).hasText(...)}); use {@code Wait} for server-side state, such as
 * "the page registry holds two pages" or "the handler saw the event".
 *
 * <p>Stateless and thread-safe; the calling thread polls, it never spawns another.
 */
public final class Wait {

    /** How long to park between two looks at the condition: short, so tests stay fast. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private Wait() {}

    /**
     * Returns as soon as {@code condition} is true, or fails the test once {@code timeout} has
     * passed. The condition is checked at least once (even with a zero timeout) and once more at
     * the deadline, and is called only from the current thread. An exception thrown by the
     * condition is not swallowed: it propagates at once and ends the wait.
     *
     * @param timeout how long to wait at most; not negative
     * @param what what is being waited for, phrased so it reads after "waiting for", e.g. {@code
     *     "two pages to be registered"}; it names the failure
     * @param condition checked repeatedly until it returns true; should be quick and side-effect free
     * @throws AssertionFailedError if the condition is still false at the deadline
     */
    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            // The last park ends at the deadline, so the condition gets one look at the deadline too.
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
}
