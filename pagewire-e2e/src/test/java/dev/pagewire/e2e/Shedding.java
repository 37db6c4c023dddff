package dev.pagewire.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.pagewire.Page;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Drives a page whose client reads nothing until the server sheds its connection (4503). */
final class Shedding {

    private Shedding() {}

    /**
     * Emits 1 KiB events to {@code stalled} until it is no longer connected (within 20 s), from this
     * thread, as application code would: emits never block, whoever reads. Paced in bursts well
     * below any limit, so that what piles up is what the channel could not write to the socket, not
     * frames still on their way to the event loop. Asserts the page was shed but not closed (it
     * waits for a resume); returns the KiB emitted.
     */
    static int emitUntilShed(Page stalled) {
        String kilobyte = "x".repeat(1024);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int sent = 0;
        while (stalled.isConnected() && System.nanoTime() < deadline) {
            for (int i = 0; i < 8; i++) {
                stalled.emit("big", kilobyte);
                sent++;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // pacing the producer
        }
        assertFalse(stalled.isConnected(), "still connected after " + sent + " KiB unread");
        assertFalse(stalled.isClosed(), "the page waits for a resume");
        return sent;
    }
}
