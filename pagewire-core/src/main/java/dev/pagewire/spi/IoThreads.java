package dev.pagewire.spi;

import dev.pagewire.internal.HandlerStarts;
import java.util.concurrent.Executor;

/**
 * What a transport tells core about its I/O threads. A transport whose I/O thread reads many
 * messages in one pass (an event loop) calls {@link #batchHandlerStarts} on that thread: the page
 * handlers its messages wake are then started together at the end of the pass instead of one by
 * one, so on a busy server a pass costs one hand-off to the virtual threads, not one per message.
 * Ordering and the one-at-a-time rule per page are unchanged.
 */
public final class IoThreads {

    private IoThreads() {}

    /**
     * From now on, handler starts caused on the calling thread wait until {@code endOfPass} runs a
     * task; it must run tasks on this same thread after its current I/O work (as a Netty event loop
     * does with {@code execute}), and may refuse them when shutting down (they then start at once).
     * Idempotent per thread.
     */
    public static void batchHandlerStarts(Executor endOfPass) {
        HandlerStarts.batchOnThisThread(endOfPass);
    }
}
