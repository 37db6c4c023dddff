package dev.pagewire.netty.internal;

import dev.pagewire.spi.OutFrame;
import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands frames that other threads send to one event loop over in batches: one task and one
 * wake-up of the loop for everything queued meanwhile, instead of a task per frame; consecutive
 * frames to one connection share a flush. A topic broadcast to thousands of pages on a few loops wakes each loop about
 * once (docs/BENCHMARKS.md, findings). Frames of one connection keep the order they were submitted
 * in: one FIFO queue per loop. Thread-safe.
 */
final class LoopWriter implements Runnable {

    /** What one task writes at most before it yields the loop to its other work (reads, timers). */
    private static final int MAX_BATCH = 4096;

    private static final Map<EventLoop, LoopWriter> WRITERS = new ConcurrentHashMap<>();

    private record Pending(WebSocketConnection connection, OutFrame frame) {}

    private final EventLoop loop;
    private final Queue<Pending> queue = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    private LoopWriter(EventLoop loop) {
        this.loop = loop;
    }

    /** The writer of {@code loop}, made on first use and forgotten when the loop terminates. */
    static LoopWriter of(EventLoop loop) {
        LoopWriter writer = WRITERS.get(loop);
        if (writer != null) {
            return writer;
        }
        return WRITERS.computeIfAbsent(loop, l -> {
            try {
                l.terminationFuture().addListener(f -> WRITERS.remove(l));
            } catch (UnsupportedOperationException e) {
                // A loop that never terminates (Netty's EmbeddedEventLoop in tests): nothing to forget.
            }
            return new LoopWriter(l);
        });
    }

    /** Queues {@code frame} for {@code connection}; {@code false} if the loop is shutting down. */
    boolean submit(WebSocketConnection connection, OutFrame frame) {
        queue.add(new Pending(connection, frame));
        if (scheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                return false;
            }
        }
        return true;
    }

    @Override
    public void run() {
        // Cleared first: a frame queued while this batch drains schedules the next task itself.
        scheduled.set(false);
        Pending p;
        int n = 0;
        while (n++ < MAX_BATCH && (p = queue.poll()) != null) {
            p.connection().writeHandedOver(p.frame());
            // Flushed at once unless the next frame goes to the same connection: a broadcast's
            // first pages get it without waiting for the batch's last, a burst to one page is
            // one flush.
            Pending next = queue.peek();
            if (next == null || next.connection() != p.connection()) {
                p.connection().flushWritten();
            }
        }
        if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
            loop.execute(this);
        }
    }
}
