package dev.pagewire.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** A decoded inbound frame (docs/PROTOCOL.md §3, §10, §11). */
public sealed interface Frame {

    /** {@link Data#seq()} of a data frame that carries no sequence number (not tracked). */
    long UNNUMBERED = 0;
    /** {@link Data#ack()} of a data frame that carries no piggybacked ack. */
    long NO_ACK = -1;

    /**
     * A data frame (§10.1): numbered by the sender, covered by acks and resume.
     */
    sealed interface Data extends Frame {
        /** The sender's sequence number, positive, or {@link #UNNUMBERED}. */
        long seq();

        /** The sender's piggybacked ack, {@code >= 0}, or {@link #NO_ACK}. */
        long ack();
    }

    /**
     * What a channel carries (§3, §11, §12.1): the page's own frames, or, wrapped in
     * {@link OnChannel}, a channel's.
     */
    sealed interface Message extends Data {}

    /** An event with JSON data ({@code null} when absent). */
    record Emit(String name, JsonNode data, long seq, long ack) implements Message {
        public Emit(String name, JsonNode data) {
            this(name, data, UNNUMBERED, NO_ACK);
        }
    }

    /** An event with binary data. */
    record BinaryEmit(String name, byte[] bytes, long seq, long ack) implements Message {}

    /** A call asking for a {@link Result} (§11); {@code args} is {@code null} when absent. */
    record Call(long id, String name, JsonNode args, long seq, long ack) implements Message {}

    /** The answer to a call (§11): a value when {@code ok}, else an error object. */
    record Result(long id, boolean ok, JsonNode value, long seq, long ack) implements Message {}

    /** A frame of channel {@code channel} (§12.1): {@code [c, "ev", …]} and the like. */
    record OnChannel(long channel, Message message) implements Data {
        @Override
        public long seq() {
            return message.seq();
        }

        @Override
        public long ack() {
            return message.ack();
        }
    }

    /** {@code ["chopen", c, path, params]}: open channel {@code c} to the endpoint at {@code path}. */
    record ChannelOpen(long channel, String path, JsonNode params, long seq, long ack) implements Data {}

    /** {@code ["chclose", c, code, reason]}: the client closed channel {@code c}. */
    record ChannelClose(long channel, String code, String reason, long seq, long ack) implements Data {}

    /** {@code ["ack", a]}: the peer has received every data frame up to {@code ack}. */
    record Ack(long ack) implements Frame {}

    /** Liveness probe; answer with pong. */
    record Ping() implements Frame {}

    /** Answer to a ping. */
    record Pong() implements Frame {}

    /** The page is going away for good. */
    record Bye() implements Frame {}
}
