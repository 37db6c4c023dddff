package dev.pagewire.internal;

import dev.pagewire.spi.Connection;
import dev.pagewire.spi.OutFrame;
import java.util.ArrayDeque;

/**
 * A page's outbound side: the attached connection, or a bounded queue of frames waiting for the next
 * one. Keeps frames in emit order across a reconnect: a new connection gets the hello frame first,
 * then what waited, then new frames. Thread-safe; every method holds the lock only briefly and never
 * blocks on I/O (connections queue writes).
 */
final class Outbox {

    /** What {@link #send} returns when no connection is attached and the waiting queue is full. */
    static final Connection FULL = new Connection() {
        @Override
        public String transport() {
            return "none";
        }

        @Override
        public void send(OutFrame frame) {}

        @Override
        public long queuedBytes() {
            return 0;
        }

        @Override
        public void close(int code, String reason) {}
    };

    private final long maxBytes;
    private final ArrayDeque<OutFrame> waiting = new ArrayDeque<>();
    private long waitingBytes;
    private Connection connection;
    private volatile long lastSentNanos = System.nanoTime();

    Outbox(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Sends or queues a frame.
     *
     * @return {@code null} when sent or queued; the attached connection, now detached, when it has
     *     more than the limit waiting (a slow consumer the caller must close); {@link #FULL} when no
     *     connection is attached and the waiting queue is full (the frame was not kept)
     */
    synchronized Connection send(OutFrame frame) {
        if (connection != null) {
            connection.send(frame);
            lastSentNanos = System.nanoTime();
            if (connection.queuedBytes() > maxBytes) {
                Connection slow = connection;
                connection = null;
                return slow;
            }
            return null;
        }
        if (waitingBytes + frame.size() > maxBytes) {
            return FULL;
        }
        waiting.add(frame);
        waitingBytes += frame.size();
        return null;
    }

    /** Sends to {@code target} only if it is still the attached connection (answers such as pong). */
    synchronized void reply(Connection target, OutFrame frame) {
        if (connection == target) {
            target.send(frame);
            lastSentNanos = System.nanoTime();
        }
    }

    /**
     * Attaches a connection: sends {@code hello}, then every waiting frame.
     *
     * @return the connection it replaces, or {@code null}
     */
    synchronized Connection attach(Connection next, OutFrame hello) {
        Connection previous = connection;
        connection = next;
        next.send(hello);
        OutFrame frame;
        while ((frame = waiting.poll()) != null) {
            next.send(frame);
        }
        waitingBytes = 0;
        lastSentNanos = System.nanoTime();
        return previous;
    }

    /** Detaches {@code c} if it is the attached connection; {@code true} if it was. */
    synchronized boolean detach(Connection c) {
        if (connection == c && c != null) {
            connection = null;
            return true;
        }
        return false;
    }

    /** Detaches whatever is attached and returns it, or {@code null}. */
    synchronized Connection detachAll() {
        Connection c = connection;
        connection = null;
        waiting.clear();
        waitingBytes = 0;
        return c;
    }

    synchronized Connection connection() {
        return connection;
    }

    long lastSentNanos() {
        return lastSentNanos;
    }

    synchronized long waitingBytes() {
        return waitingBytes;
    }
}
