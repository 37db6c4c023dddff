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
        // The tail ",seq]" or ",seq,ack]" is written digit by digit: this runs once per page a
        // frame goes to, so a String per call would be thousands per broadcast.
        int open = head.length - 1; // the elements, without the closing bracket
        int tail = 1 + digits(seq) + (ack >= 0 ? 1 + digits(ack) : 0) + 1;
        int headAt = binary ? 4 : 0;
        byte[] out = new byte[headAt + open + tail + (binary ? payload.length : 0)];
        if (binary) {
            ByteBuffer.wrap(out).putInt(open + tail);
        }
        System.arraycopy(head, 0, out, headAt, open);
        int at = headAt + open;
        out[at++] = ',';
        at = putDigits(out, at, seq);
        if (ack >= 0) {
            out[at++] = ',';
            at = putDigits(out, at, ack);
        }
        out[at++] = ']';
        if (binary) {
            System.arraycopy(payload, 0, out, at, payload.length);
        }
        return new OutFrame(binary, out);
    }

    /** How many decimal digits {@code n} has; {@code n >= 0}. */
    static int digits(long n) {
        int d = 1;
        while (n >= 10) {
            n /= 10;
            d++;
        }
        return d;
    }

    /** Writes {@code n >= 0} in decimal at {@code at}; where it ends. */
    private static int putDigits(byte[] out, int at, long n) {
        int end = at + digits(n);
        for (int i = end - 1; i >= at; i--) {
            out[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        return end;
    }

    /** The frame with sequence number {@code seq} and no ack. */
    public OutFrame numbered(long seq) {
        return numbered(seq, -1);
    }

    /** The size on the wire once numbered with {@code seq}, without an ack. */
    public int size(long seq) {
        return (binary ? 4 + payload.length : 0) + head.length + 1 + digits(seq);
    }

    @Override
    public String toString() {
        return binary
                ? "DataFrame[binary " + payload.length + " bytes]"
                : "DataFrame[" + new String(head, 0, head.length - 1, StandardCharsets.UTF_8) + ",…]";
    }
}
