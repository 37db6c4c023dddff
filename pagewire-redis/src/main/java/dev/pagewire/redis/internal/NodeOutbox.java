package dev.pagewire.redis.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The messages this node sends to one other node, on their way to Redis. While no PUBLISH to that
 * node is waiting for Redis's answer, a message leaves at once, alone; while one is, messages
 * gather and leave together when it is answered, as one PUBLISH. So an idle link adds no delay,
 * and a busy one (a broadcast's frames, thousands of clients' acks) costs Redis and both nodes one
 * command per round trip rather than one per message. Order is kept: all PUBLISHes go through one
 * connection, in the order they are made.
 *
 * <p>The payload of a PUBLISH: the sender's node number, then each message as its length and its
 * bytes ({@link #read}).
 *
 * <p>Bounded: messages waiting here and in PUBLISHes not answered yet hold at most
 * {@code maxBytes}; past it a message is dropped and the failure reported (core notices the gap in
 * its numbering). A PUBLISH unanswered for longer than {@code stallNanos} no longer holds the
 * others back.
 *
 * <p>Threads: thread-safe; never blocks. PUBLISHes are made under this object's monitor, so that
 * they leave in order; their answers are handled on {@code callbacks}, never on Lettuce's I/O
 * thread, which may hold Lettuce's own lock while it completes commands.
 */
final class NodeOutbox {

    /** What one PUBLISH carries at most, so that Redis and the receiving node get bites, not meals. */
    static final int PUBLISH_BYTES = 64 * 1024;

    /** Sends one PUBLISH to the node's channel. */
    interface Publisher {
        CompletionStage<Long> publish(byte[] payload);
    }

    /** Told of every PUBLISH's outcome and of every message dropped. */
    interface Outcome {
        /** A PUBLISH reached the node. */
        void succeeded();

        /** A PUBLISH failed, or a message was dropped ({@link Full}): messages were lost. */
        void failed(Throwable cause);

        /**
         * Redis took a PUBLISH but no one was subscribed to the node's channel (the node is
         * reconnecting to Redis, or gone): its messages were lost.
         */
        void undelivered();
    }

    /** A message dropped because too much waits for Redis already. */
    static final class Full extends RuntimeException {
        Full(String message) {
            super(message, null, false, false);
        }
    }

    private final Publisher publisher;
    private final Outcome outcome;
    private final IntSupplier sender;
    private final int maxBytes;
    private final long stallNanos;
    private final Full full;
    private final Executor callbacks;
    private final LongSupplier clock;

    // Guarded by this.
    private final List<byte[]> pending = new ArrayList<>();
    private int pendingBytes;
    private long unansweredBytes;
    private int unanswered;
    private long oldestUnanswered;

    /**
     * @param sender this node's number when a PUBLISH leaves (it changes if the node is evicted)
     * @param maxBytes what may wait here and in unanswered PUBLISHes together
     * @param stallNanos how long an unanswered PUBLISH holds the next one back
     * @param callbacks where answers are handled
     * @param clock nanoseconds, as {@link System#nanoTime}
     */
    NodeOutbox(
            Publisher publisher,
            Outcome outcome,
            IntSupplier sender,
            int maxBytes,
            long stallNanos,
            Executor callbacks,
            LongSupplier clock) {
        this.clock = clock;
        this.publisher = publisher;
        this.callbacks = callbacks;
        this.outcome = outcome;
        this.sender = sender;
        this.maxBytes = maxBytes;
        this.stallNanos = stallNanos;
        this.full = new Full(maxBytes + " bytes of messages to one node wait for Redis already (sendBufferBytes)");
    }

    /** Queues {@code message}; it leaves now if nothing to that node is waiting for Redis. */
    synchronized void send(byte[] message) {
        int size = 4 + message.length;
        if (pendingBytes + unansweredBytes + size > maxBytes) {
            outcome.failed(full);
            return;
        }
        pending.add(message);
        pendingBytes += size;
        boolean stalled = unanswered > 0 && clock.getAsLong() - oldestUnanswered > stallNanos;
        if (unanswered == 0 || stalled || pendingBytes >= PUBLISH_BYTES) {
            publishPending();
        }
    }

    /** Publishes what is pending as one PUBLISH, now unanswered. Under the monitor. */
    private void publishPending() {
        int bytes = pendingBytes;
        byte[] payload = payload(sender.getAsInt(), pending, bytes);
        if (unanswered == 0) {
            oldestUnanswered = clock.getAsLong();
        }
        unanswered++;
        unansweredBytes += bytes;
        pending.clear();
        pendingBytes = 0;
        CompletionStage<Long> answer;
        try {
            answer = publisher.publish(payload);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenCompleteAsync((receivers, failure) -> answered(bytes, receivers, failure), callbacks);
    }

    private synchronized void answered(int bytes, Long receivers, Throwable failure) {
        if (failure != null) {
            outcome.failed(failure);
        } else if (receivers != null && receivers == 0) {
            outcome.undelivered();
        } else {
            outcome.succeeded();
        }
        unanswered--;
        unansweredBytes -= bytes;
        oldestUnanswered = clock.getAsLong(); // the next one's age counts from here at the latest
        if (unanswered == 0 && !pending.isEmpty()) {
            publishPending();
        }
    }

    /** Bytes waiting for Redis now (tests, diagnostics). */
    synchronized long waitingBytes() {
        return pendingBytes + unansweredBytes;
    }

    private static byte[] payload(int sender, List<byte[]> messages, int bytes) {
        ByteBuffer out = ByteBuffer.allocate(4 + bytes);
        out.putInt(sender);
        for (byte[] m : messages) {
            out.putInt(m.length).put(m);
        }
        return out.array();
    }

    /** Receives the messages of one PUBLISH. */
    interface Receiver {
        void received(int from, byte[] message);
    }

    /**
     * Hands each message of {@code payload} to {@code receiver}, in order.
     *
     * @throws TopicWire.Malformed if the payload is not what {@link NodeOutbox} publishes
     */
    static void read(byte[] payload, Receiver receiver) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        if (in.remaining() < 4) {
            throw new TopicWire.Malformed(
                    "a node message of " + payload.length + " bytes, too short to say its sender");
        }
        int from = in.getInt();
        while (in.hasRemaining()) {
            if (in.remaining() < 4) {
                throw new TopicWire.Malformed("a node message ends inside a length");
            }
            int length = in.getInt();
            if (length < 0 || length > in.remaining()) {
                throw new TopicWire.Malformed(
                        "a node message holds " + length + " bytes, " + in.remaining() + " remain");
            }
            byte[] message = new byte[length];
            in.get(message);
            receiver.received(from, message);
        }
    }
}
