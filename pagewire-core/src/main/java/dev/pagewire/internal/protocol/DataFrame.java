package dev.pagewire.internal.protocol;

import dev.pagewire.spi.OutFrame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A server data frame (docs/PROTOCOL.md §10.1) encoded once, without its sequence number: every
 * page it goes to (a topic broadcast) shares these bytes, and {@link #numbered} splices in the
 * page's number and ack at send time with a copy, never a JSON re-encode. Immutable, thread-safe.
 */
public final class DataFrame {

    private final boolean binary;
    /** Text: the frame's JSON without its closing bracket. Binary: the header's JSON likewise. */
    private final byte[] head;
    /** Binary only: the payload after the header; empty for text. */
    private final byte[] payload;

    DataFrame(boolean binary, byte[] head, byte[] payload) {
        this.binary = binary;
        this.head = head;
        this.payload = payload;
    }

    byte[] headBytes() {
        return head;
    }

    /**
     * The same frame on channel {@code channel} (docs/PROTOCOL.md §12.1): the channel's number goes
     * in front of the frame's elements. Copies the encoded bytes once; no JSON is re-encoded, so a
     * broadcast to channels still encodes its data once.
     */
    public DataFrame onChannel(long channel) {
        byte[] prefix = ("[" + channel + ",").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + head.length - 1];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(head, 1, out, prefix.length, head.length - 1);
        return new DataFrame(binary, out, payload);
    }

    /** Whether this travels as a binary message. */
    public boolean binary() {
        return binary;
    }

    /** The frame with sequence number {@code seq} and, when {@code ack >= 0}, a piggybacked ack. */
    public OutFrame numbered(long seq, long ack) {
        byte[] tail = (ack >= 0 ? "," + seq + "," + ack + "]" : "," + seq + "]").getBytes(StandardCharsets.US_ASCII);
        if (!binary) {
            byte[] out = new byte[head.length + tail.length];
            System.arraycopy(head, 0, out, 0, head.length);
            System.arraycopy(tail, 0, out, head.length, tail.length);
            return new OutFrame(false, out);
        }
        ByteBuffer buf = ByteBuffer.allocate(4 + head.length + tail.length + payload.length);
        buf.putInt(head.length + tail.length).put(head).put(tail).put(payload);
        return new OutFrame(true, buf.array());
    }

    /** The frame with sequence number {@code seq} and no ack. */
    public OutFrame numbered(long seq) {
        return numbered(seq, -1);
    }

    /** The size on the wire once numbered with {@code seq}, without an ack. */
    public int size(long seq) {
        return (binary ? 4 + payload.length : 0)
                + head.length
                + 2
                + Long.toString(seq).length();
    }

    @Override
    public String toString() {
        return binary
                ? "DataFrame[binary " + payload.length + " bytes]"
                : "DataFrame[" + new String(head, StandardCharsets.UTF_8) + ",…]";
    }
}
