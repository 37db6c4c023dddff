package dev.pagewire.internal;

import dev.pagewire.internal.protocol.DataFrame;
import dev.pagewire.internal.protocol.FrameCodec;
import dev.pagewire.spi.Connection;
import dev.pagewire.spi.OutFrame;
import java.util.function.LongFunction;

/**
 * A page's outbound side (docs/PROTOCOL.md §10): numbers every data frame, keeps it in the
 * {@link ReplayBuffer} until the browser acknowledges it, sends it through the attached connection
 * (if any) with the page's ack piggybacked when one is owed, and on a new connection sends
 * {@code hello}, {@code missed} and the kept frames the browser lacks before anything new.
 * Thread-safe; every method holds the lock briefly and never blocks on I/O (connections queue
 * writes).
 */
final class Outbox {

    /** What {@link #attach} did: the connection it replaced, and whether the new one is already slow. */
    record Attached(Connection replaced, boolean slow, int replayed, long missed) {}

    private final FrameCodec codec;
    private final long maxOutboundBytes;
    private final ReplayBuffer replay;
    private final Receipts receipts;
    private final Counts counts;
    private Connection connection;
    private long lastSeq;
    private volatile long lastSentNanos = System.nanoTime();

    Outbox(
            FrameCodec codec,
            long maxOutboundBytes,
            int maxReplayFrames,
            long maxReplayBytes,
            Receipts receipts,
            Counts counts) {
        this.codec = codec;
        this.counts = counts;
        this.maxOutboundBytes = maxOutboundBytes;
        this.replay = new ReplayBuffer(maxReplayFrames, maxReplayBytes);
        this.receipts = receipts;
    }

    /**
     * Numbers, keeps and (when connected) sends a data frame.
     *
     * @return {@code null} normally; the attached connection, now detached, when it has more than
     *     {@code maxOutboundBytes} unwritten (a slow consumer the caller must close)
     */
    synchronized Connection send(DataFrame frame) {
        long seq = ++lastSeq;
        replay.add(seq, frame);
        counts.events[Counts.OUTBOUND].increment();
        if (connection == null) {
            return null;
        }
        OutFrame out = frame.numbered(seq, receipts.takeAck());
        connection.send(out);
        counts.bytes[Counts.OUTBOUND].add(out.size());
        lastSentNanos = System.nanoTime();
        return shedIfSlow();
    }

    /**
     * Sends a control frame (pong, ping) only if {@code target} is still the attached connection.
     * It counts against {@code maxOutboundBytes} like data: a client that sends pings and never
     * reads the pongs is a slow consumer too.
     *
     * @return {@code null} normally; the connection, now detached, when it is over the limit
     */
    synchronized Connection control(Connection target, OutFrame frame) {
        if (connection == target && target != null) {
            target.send(frame);
            counts.bytes[Counts.OUTBOUND].add(frame.size());
            lastSentNanos = System.nanoTime();
            return shedIfSlow();
        }
        return null;
    }

    /**
     * Sends {@code ["ack", a]} if an ack is owed and a connection is attached.
     *
     * @return as {@link #control}
     */
    synchronized Connection flushAck() {
        if (connection == null) {
            return null;
        }
        long ack = receipts.takeAck();
        if (ack >= 0) {
            OutFrame out = codec.ack(ack);
            connection.send(out);
            counts.bytes[Counts.OUTBOUND].add(out.size());
            lastSentNanos = System.nanoTime();
            return shedIfSlow();
        }
        return null;
    }

    /** The browser has every frame up to {@code ack}; {@code false} if it claims more than was sent. */
    synchronized boolean acked(long ack) {
        if (ack > lastSeq) {
            return false;
        }
        replay.acked(ack);
        return true;
    }

    /**
     * Attaches a connection whose browser has every frame up to {@code clientAck}: sends
     * {@code hello} (built with this side's ack), then {@code missed} if frames above
     * {@code clientAck} are gone, then every kept frame above it, in order.
     *
     * @return what happened, or {@code null} if {@code clientAck} is above the last number sent
     *     (nothing was attached)
     */
    synchronized Attached attach(Connection next, long clientAck, LongFunction<OutFrame> hello) {
        if (clientAck > lastSeq) {
            return null;
        }
        Connection previous = connection;
        connection = next;
        replay.acked(clientAck);
        next.send(hello.apply(receipts.takeAckForHello()));
        ReplayBuffer.Missed missed = replay.missedAbove(clientAck);
        if (missed != null) {
            next.send(codec.missed(missed.from(), missed.to(), missed.reason()));
        }
        int replayed = 0;
        for (ReplayBuffer.Kept k : replay.above(clientAck)) {
            next.send(k.frame().numbered(k.seq()));
            counts.bytes[Counts.OUTBOUND].add(k.bytes());
            replayed++;
        }
        lastSentNanos = System.nanoTime();
        return new Attached(
                previous, shedIfSlow() != null, replayed, missed == null ? 0 : missed.to() - missed.from() + 1);
    }

    private Connection shedIfSlow() {
        if (connection.queuedBytes() > maxOutboundBytes) {
            Connection slow = connection;
            connection = null;
            return slow;
        }
        return null;
    }

    /** Detaches {@code c} if it is the attached connection; {@code true} if it was. */
    synchronized boolean detach(Connection c) {
        if (connection == c && c != null) {
            connection = null;
            return true;
        }
        return false;
    }

    /** Detaches whatever is attached and returns it, or {@code null}; forgets the kept frames. */
    synchronized Connection detachAll() {
        Connection c = connection;
        connection = null;
        replay.clear();
        return c;
    }

    synchronized Connection connection() {
        return connection;
    }

    long lastSentNanos() {
        return lastSentNanos;
    }

    /** The number of the last data frame sent. */
    synchronized long lastSeq() {
        return lastSeq;
    }

    /** Frames kept for resume (tests, diagnostics). */
    synchronized int replayFrames() {
        return replay.frames();
    }

    /** Bytes kept for resume (tests, diagnostics). */
    synchronized long replayBytes() {
        return replay.bytes();
    }
}
