package dev.pagewire.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * Handler starts that an I/O thread collects during one pass over its ready connections and
 * starts together at the end of it ({@link dev.pagewire.spi.IoThreads}). Starting each at once
 * wakes the virtual threads' carrier for every message, and where the carrier and the I/O thread
 * share a core every start becomes a switch to the handler and back. Collected, a pass starts one
 * virtual thread that starts the others: from a carrier they are queued locally, without waking
 * anything, and run back to back. Not thread-safe: one instance per I/O thread, used only there.
 */
public final class HandlerStarts implements Runnable {

    private static final ThreadLocal<HandlerStarts> CURRENT = new ThreadLocal<>();

    private static final ThreadFactory STARTERS =
            Thread.ofVirtual().name("pagewire-starts").factory();

    private final Executor endOfPass;
    private List<Thread> pending = new ArrayList<>();

    private HandlerStarts(Executor endOfPass) {
        this.endOfPass = endOfPass;
    }

    /** See {@link dev.pagewire.spi.IoThreads#batchHandlerStarts}. */
    public static void batchOnThisThread(Executor endOfPass) {
        if (CURRENT.get() == null) {
            CURRENT.set(new HandlerStarts(endOfPass));
        }
    }

    /**
     * Starts {@code thread} (a new virtual thread): at the end of the calling I/O thread's pass when
     * that thread batches, else at once.
     */
    static void start(Thread thread) {
        HandlerStarts batch = CURRENT.get();
        if (batch == null) {
            thread.start();
        } else {
            batch.add(thread);
        }
    }

    private void add(Thread thread) {
        pending.add(thread);
        if (pending.size() == 1) {
            try {
                endOfPass.execute(this);
            } catch (RejectedExecutionException e) {
                run(); // the I/O thread is shutting down: start them now
            }
        }
    }

    @Override
    public void run() {
        List<Thread> threads = pending;
        pending = new ArrayList<>(Math.max(8, threads.size()));
        if (threads.size() == 1) {
            threads.get(0).start();
            return;
        }
        STARTERS.newThread(() -> {
                    for (Thread t : threads) {
                        t.start();
                    }
                })
                .start();
    }
}
