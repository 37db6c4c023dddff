package dev.pagewire.netty.testing;

import dev.pagewire.netty.testing.FaultyRelay.Direction;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A byte budget armed on a {@link FaultyRelay} for one direction: the pumps of all connections
 * take from it before they write, and the pump whose write uses up the budget cuts its
 * connection right after that write. It then draws the next budget, until its number of cuts is
 * spent.
 *
 * <p>Thread-safe: pumps of several connections may take at once; {@link #take} is atomic, so
 * exactly one of them gets the last byte of a budget.
 */
final class ByteCut {

    /** What a pump may write of the chunk it read, and whether it must cut after writing it. */
    record Take(int bytes, boolean cut) {}

    private final Direction direction;
    private final LongSupplier draw;
    private final LongConsumer fired;
    private long budget;
    private long left;
    private int cutsLeft;
    private boolean cancelled;

    /**
     * @param draw gives each budget in bytes, not negative; called under this object's lock
     * @param cuts how many times to cut; positive
     * @param fired told each budget that was used up and cut, under this object's lock
     */
    ByteCut(Direction direction, LongSupplier draw, int cuts, LongConsumer fired) {
        this.direction = direction;
        this.draw = draw;
        this.fired = fired;
        this.cutsLeft = cuts;
        this.budget = draw.getAsLong();
        this.left = budget;
    }

    Direction direction() {
        return direction;
    }

    /** Takes up to {@code read} bytes from the budget; once spent or cancelled, lets all pass. */
    synchronized Take take(int read) {
        if (cancelled || cutsLeft == 0) {
            return new Take(read, false);
        }
        if (left > read) {
            left -= read;
            return new Take(read, false);
        }
        int bytes = (int) left;
        fired.accept(budget);
        cutsLeft--;
        if (cutsLeft > 0) {
            budget = draw.getAsLong();
            left = budget;
        }
        return new Take(bytes, true);
    }

    /** Whether no more cuts will come from this budget: all fired, or cancelled. */
    synchronized boolean finished() {
        return cancelled || cutsLeft == 0;
    }

    /** Stops cutting: {@link #take} lets every byte pass from now on. */
    synchronized void cancel() {
        cancelled = true;
    }
}
