package dev.pagewire.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * Runs each task on a virtual thread of its own, started at once (or, from an I/O thread that
 * batches, at the end of its pass: {@link HandlerStarts}); refuses tasks once shut down.
 * Unlike {@code Executors.newThreadPerTaskExecutor} it keeps no set of its running threads (an
 * insert and a removal in a concurrent map for every task, on the path of every event) and gives
 * them one name instead of a numbered one built per thread: nothing here waits for them to end.
 * Thread-safe.
 */
final class VirtualThreads implements Executor {

    private final ThreadFactory factory;
    private volatile boolean shutdown;

    VirtualThreads(String name) {
        this.factory = Thread.ofVirtual().name(name).factory();
    }

    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        HandlerStarts.start(factory.newThread(task));
    }

    /** Refuses new tasks from now on; running ones go on to their end. */
    void shutdown() {
        shutdown = true;
    }
}
