package dev.pagewire.netty.testing;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The stall switch of a {@link FaultyRelay}: test threads turn it on and off, the pumps of all
 * connections wait at it between reading a chunk and writing it on.
 *
 * <p>Thread-safe. A pump that finds no stall pays one volatile read, so a relay that never stalls
 * runs at full speed.
 */
final class Stall {

    /** Guards the fields below; pumps waiting at a stall wait on {@link #changed}. */
    private final ReentrantLock lock = new ReentrantLock();

    private final Condition changed = lock.newCondition();

    /** Read without the lock by every pump on every chunk. */
    private volatile boolean on;

    /** Whether the stall lasts until {@link #off()}; guarded by {@link #lock}. */
    private boolean untilOff;

    /** When a timed stall ends, in {@link System#nanoTime()}; guarded by {@link #lock}. */
    private long ends;

    /** Holds traffic until {@link #off()}. */
    void on() {
        set(true, 0);
    }

    /** Holds traffic until {@code duration} has passed, or until {@link #off()}. */
    void on(Duration duration) {
        set(false, System.nanoTime() + duration.toNanos());
    }

    /** Lets traffic flow again. */
    void off() {
        lock.lock();
        try {
            on = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether traffic is held now. */
    boolean isOn() {
        lock.lock();
        try {
            return on && (untilOff || ends - System.nanoTime() > 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns once traffic may flow, or as soon as {@code link} is no longer open: a cut never
     * waits for a stall to end. Whoever cuts a link calls {@link #wake()}.
     */
    void await(RelayLink link) {
        if (!on) {
            return;
        }
        lock.lock();
        try {
            while (on && link.isOpen()) {
                if (untilOff) {
                    changed.await();
                } else {
                    long left = ends - System.nanoTime();
                    if (left <= 0) {
                        on = false;
                        changed.signalAll();
                    } else {
                        changed.awaitNanos(left);
                    }
                }
            }
        } catch (InterruptedException e) {
            // Only the relay's close() interrupts, as a last resort: keep the flag so the pump ends.
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the pumps waiting in {@link #await}, so they look at their condition again. */
    void wake() {
        if (on) {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void set(boolean untilOff, long ends) {
        lock.lock();
        try {
            this.untilOff = untilOff;
            this.ends = ends;
            on = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
