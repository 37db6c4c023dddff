package dev.pagewire.client.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * The one virtual thread a client runs the application's code on: listeners, handlers and the
 * completion of futures, of the page and of every channel, one at a time, in the order they were
 * posted. A task that throws is logged and does not stop the next.
 *
 * <p>Thread-safe: {@link #post} may be called from any thread.
 */
final class CallbackThread {

    private static final System.Logger LOG = System.getLogger(CallbackThread.class.getName());

    private final ExecutorService thread;
    private volatile Thread callbackThread;

    CallbackThread(String name) {
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = Thread.ofVirtual().name(name).unstarted(r);
            callbackThread = t;
            return t;
        });
    }

    /** Whether the current thread is this one. */
    boolean isCurrent() {
        return Thread.currentThread() == callbackThread;
    }

    /** Runs {@code task} on this thread, after everything posted before; dropped once shut down. */
    void post(Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.ERROR, "pagewire: a client callback failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // Shut down: the client is over and nobody waits for this any more.
        }
    }

    /** Runs what is posted already, then lets the thread end. */
    void shutdown() {
        thread.shutdown();
    }
}
