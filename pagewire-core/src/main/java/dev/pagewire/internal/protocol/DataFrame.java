package dev.pagewire.internal.protocol;

import dev.pagewire.spi.OutFrame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A server data frame (docs/PROTOCOL.md §10.1) encoded once, without its sequence number: every
 * page it goes to (a topic broadcast) shares these bytes, and {@link #numbered} splices in the
 * page's number and ack at send time with a copy, never a JSON re-encode. A text frame's bytes are
 * the unnumbered frame itself ({@link #encoded}), which is what a topic broadcast carries to the
 * other nodes of a cluster and {@link #fromEncoded} shares again there. Immutable, thread-safe.
 */
public final class DataFrame {

    private static final byte[] NO_PAYLOAD = new byte[0];

    private final boolean binary;
    /**
     * Text: the frame's JSON without its number. Binary: the header's JSON likewise. Either way a
     * whole JSON array: the number goes before its closing bracket.
     */
    private final byte[] head;
    /** Binary only: the payload after the header; empty for text. */
    private final byte[] payload;

    DataFrame(boolean binary, byte[] head, byte[] payload) {
        this.binary = binary;
        this.head = head;
        this.payload = payload;
    }

    /** A text frame whose unnumbered JSON is {@code head}, a whole array. */
    static DataFrame text(byte[] head) {
        return new DataFrame(false, head, NO_PAYLOAD);
    }

    /**
     * The text frame whose unnumbered encoding is {@code frame} (what {@link #encoded} returned,
     * possibly on another node), sharing those bytes: nothing is copied or parsed.
     *
     * @param frame a JSON array, never modified afterwards
     * @throws IllegalArgumentException if {@code frame} does not look like a JSON array
     */
    public static DataFrame fromEncoded(byte[] frame) {
        if (frame.length < 2 || frame[0] != '[' || frame[frame.length - 1] != ']') {
            throw new IllegalArgumentException("not an encoded data frame: " + frame.length + " bytes");
        }
        return text(frame);
    }

    /**
     * The unnumbered frame's bytes, shared, never to be modified: a text frame's JSON, such as
     * {@code ["ev","said","hi"]}. {@link #fromEncoded} makes the same frame of them.
     *
     * @throws IllegalStateException for a binary frame, which has no such encoding
     */
    public byte[] encoded() {
        if (binary) {
            throw new IllegalStateException("a binary frame has no text encoding: " + this);
        }
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
        int open = head.length - 1; // the elements, without the closing bracket
        if (!binary) {
            byte[] out = new byte[open + tail.length];
            System.arraycopy(head, 0, out, 0, open);
            System.arraycopy(tail, 0, out, open, tail.length);
            return new OutFrame(false, out);
        }
        ByteBuffer buf = ByteBuffer.allocate(4 + open + tail.length + payload.length);
        buf.putInt(open + tail.length).put(head, 0, open).put(tail).put(payload);
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
                + 1
                + Long.toString(seq).length();
    }

    @Override
    public String toString() {
        return binary
                ? "DataFrame[binary " + payload.length + " bytes]"
                : "DataFrame[" + new String(head, 0, head.length - 1, StandardCharsets.UTF_8) + ",…]";
    }
}
