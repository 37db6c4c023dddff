package dev.pagewire.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one page's tasks one at a time, in submission order, on virtual threads: the page's single
 * owner of handler execution. Bounded: {@link #offer} refuses work beyond the limit instead of
 * letting a flooding client grow memory. A task that throws does not stop the tasks after it.
 * Thread-safe.
 */
final class Mailbox {

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean();
    private final Executor executor;
    private final Runnable drain = this::drain;
    private final int limit;

    Mailbox(Executor executor, int limit) {
        this.executor = executor;
        this.limit = limit;
    }

    /** Queues a task; {@code false} if the mailbox already holds {@code limit} tasks. */
    boolean offer(Runnable task) {
        if (size.incrementAndGet() > limit) {
            size.decrementAndGet();
            return false;
        }
        queue.add(task);
        schedule();
        return true;
    }

    /** Queues a task regardless of the limit (lifecycle hooks must never be dropped). */
    void force(Runnable task) {
        size.incrementAndGet();
        queue.add(task);
        schedule();
    }

    /** Tasks queued and not yet started. */
    int size() {
        return size.get();
    }

    private void schedule() {
        if (running.compareAndSet(false, true)) {
            executor.execute(drain);
        }
    }

    private void drain() {
        do {
            Runnable task;
            while ((task = queue.poll()) != null) {
                size.decrementAndGet();
                try {
                    task.run();
                } catch (Throwable t) {
                    // Hand the tasks queued after it to a new drain, or they would wait forever;
                    // the exception goes on to the thread's uncaught-exception handler.
                    running.set(false);
                    if (!queue.isEmpty()) {
                        schedule();
                    }
                    throw t;
                }
            }
            running.set(false);
            // A task queued between the last poll and the reset would otherwise wait forever.
        } while (!queue.isEmpty() && running.compareAndSet(false, true));
    }
}
