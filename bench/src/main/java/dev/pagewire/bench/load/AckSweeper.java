package dev.pagewire.bench.load;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends the Pagewire links' due acks as the clients do (PROTOCOL.md §10.2: 5 s after the first
 * frame not yet acked), with one timer for all links instead of one per link: every
 * {@value #TICK_MS} ms it runs the flushes that have waited their second. Links queue in the order
 * their acks became due, so the oldest are always at the head. Thread-safe.
 */
final class AckSweeper implements AutoCloseable {

    /** The clients' ack delay (pagewire-core's sequencer.js, the Java client's Sequencer). */
    static final long DELAY_MS = 5000;

    private static final long TICK_MS = 20;

    private record Due(long atNanos, Runnable flush) {}

    private final ConcurrentLinkedQueue<Due> due = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ack-sweeper");
        t.setDaemon(true);
        return t;
    });

    AckSweeper() {
        timer.scheduleWithFixedDelay(this::sweep, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code flush} about {@value #DELAY_MS} ms from now; a link queues itself once per ack due. */
    void schedule(Runnable flush) {
        due.add(new Due(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DELAY_MS), flush));
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Due d; (d = due.peek()) != null && d.atNanos() - now <= 0; ) {
            due.poll();
            d.flush().run();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
