package dev.pagewire.bench.load;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends the Pagewire links' due acks within 100 ms (PROTOCOL.md §10.2) with one timer for all links
 * instead of one per link: every 100 ms it runs the flushes that links queued meanwhile.
 * Thread-safe.
 */
final class AckSweeper implements AutoCloseable {

    private final ConcurrentLinkedQueue<Runnable> due = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ack-sweeper");
        t.setDaemon(true);
        return t;
    });

    AckSweeper() {
        timer.scheduleWithFixedDelay(this::sweep, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code flush} at the next sweep (within 100 ms); a link queues itself once per ack due. */
    void schedule(Runnable flush) {
        due.add(flush);
    }

    private void sweep() {
        for (Runnable flush; (flush = due.poll()) != null; ) {
            flush.run();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
