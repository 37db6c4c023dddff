package dev.pagewire.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The one lock and the one timer thread of a connection. Every piece of its state (its sequencer,
 * channels, upgrade) is touched under the lock only, held for short, non-blocking work; a timer
 * runs its task under the lock too, unless the connection is over by then.
 *
 * <p>Thread-safe.
 */
final class Guard {

    private final ReentrantLock lock = new ReentrantLock();
    private final ScheduledThreadPoolExecutor timers;
    private volatile boolean over;

    Guard(String name) {
        this.timers = new ScheduledThreadPoolExecutor(
                1, Thread.ofVirtual().name(name + "-timers").factory());
        timers.setRemoveOnCancelPolicy(true);
    }

    /** The timer thread, for links that need one of their own (a WebSocket's close grace). */
    ScheduledExecutorService timers() {
        return timers;
    }

    <T> T locked(Supplier<T> task) {
        lock.lock();
        try {
            return task.get();
        } finally {
            lock.unlock();
        }
    }

    void locked(Runnable task) {
        lock.lock();
        try {
            task.run();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code task} under the lock after {@code millis}, unless the connection is over by then. */
    Future<?> later(long millis, Runnable task) {
        try {
            return timers.schedule(
                    () -> locked(() -> {
                        if (!over) {
                            task.run();
                        }
                    }),
                    millis,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null); // over: nothing runs later
        }
    }

    /** The connection is over: no timer runs its task any more. */
    void shutdown() {
        over = true;
        timers.shutdown();
    }
}
