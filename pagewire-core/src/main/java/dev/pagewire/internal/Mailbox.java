package dev.pagewire.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Runs one page's tasks one at a time, in submission order, on virtual threads: the page's single
 * owner of handler execution. Bounded: {@link #offer} refuses work beyond the limit instead of
 * letting a flooding client grow memory. A task that throws does not stop the tasks after it.
 * Thread-safe.
 */
final class Mailbox {

    private static final AtomicIntegerFieldUpdater<Mailbox> SIZE =
            AtomicIntegerFieldUpdater.newUpdater(Mailbox.class, "size");
    private static final AtomicIntegerFieldUpdater<Mailbox> RUNNING =
            AtomicIntegerFieldUpdater.newUpdater(Mailbox.class, "running");

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    // Fields with updaters rather than an AtomicInteger and an AtomicBoolean: two objects less
    // for every page and channel.
    private volatile int size;
    /** 1 while a drain runs or is about to. */
    private volatile int running;

    private final Executor executor;
    private final Runnable drain = this::drain;
    private final int limit;
    private final LogContext logContext;

    Mailbox(Executor executor, int limit) {
        this(executor, limit, null);
    }

    /** @param logContext put in the MDC while the tasks run, or null */
    Mailbox(Executor executor, int limit, LogContext logContext) {
        this.executor = executor;
        this.limit = limit;
        this.logContext = logContext;
    }

    /** Queues a task; {@code false} if the mailbox already holds {@code limit} tasks. */
    boolean offer(Runnable task) {
        if (SIZE.incrementAndGet(this) > limit) {
            SIZE.decrementAndGet(this);
            return false;
        }
        queue.add(task);
        schedule();
        return true;
    }

    /** Queues a task regardless of the limit (lifecycle hooks must never be dropped). */
    void force(Runnable task) {
        SIZE.incrementAndGet(this);
        queue.add(task);
        schedule();
    }

    /** Tasks queued and not yet started. */
    int size() {
        return size;
    }

    private void schedule() {
        if (RUNNING.compareAndSet(this, 0, 1)) {
            executor.execute(drain);
        }
    }

    private void drain() {
        if (logContext == null) {
            runQueued();
            return;
        }
        logContext.enter();
        try {
            runQueued();
        } finally {
            logContext.exit();
        }
    }

    private void runQueued() {
        do {
            Runnable task;
            while ((task = queue.poll()) != null) {
                SIZE.decrementAndGet(this);
                try {
                    task.run();
                } catch (Throwable t) {
                    // Hand the tasks queued after it to a new drain, or they would wait forever;
                    // the exception goes on to the thread's uncaught-exception handler.
                    running = 0;
                    if (!queue.isEmpty()) {
                        schedule();
                    }
                    throw t;
                }
            }
            running = 0;
            // A task queued between the last poll and the reset would otherwise wait forever.
        } while (!queue.isEmpty() && RUNNING.compareAndSet(this, 0, 1));
    }
}
