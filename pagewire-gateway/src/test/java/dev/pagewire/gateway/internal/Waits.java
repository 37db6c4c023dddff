package dev.pagewire.gateway.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits on conditions with deadlines, never a fixed sleep. */
public final class Waits {

    /** Long enough for a loaded two-core machine, short enough to fail a stuck test quickly. */
    public static final Duration LONG = Duration.ofSeconds(20);

    private Waits() {}

    /** Returns once {@code condition} holds; fails with {@code what} after {@link #LONG}. */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }
}
