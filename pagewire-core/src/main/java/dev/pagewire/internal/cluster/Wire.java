package dev.pagewire.internal.cluster;

import dev.pagewire.spi.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of relay messages between nodes (docs/CLUSTER.md): a type, the link's sequence number,
 * the tunnel, then the type's fields. Numbers are big-endian; a string is its UTF-8 length as an
 * int ({@code -1} for null) and its bytes; a byte array likewise.
 */
final class Wire {

    private Wire() {}

    /**
     * Messages gathered into one (type {@link Relay#BATCH}, number and tunnel 0, the count, then
     * each message as a byte array), to be read in order. Each message is written once, straight
     * into the batch: a relayed WebSocket frame ({@link #frame}) needs no writer of its own. Not
     * thread-safe.
     */
    static final class Batch {
        private final int sizeHint;
        private ByteBuffer buffer; // made on the first message
        private int count;

        Batch(int sizeHint) {
            this.sizeHint = sizeHint;
        }

        /** Adds a message, numbered already. */
        void add(Writer message) {
            room(4 + message.size()).putInt(message.size());
            buffer.put(message.buffer.array(), 0, message.size());
            count++;
        }

        /** Adds what {@code new Writer(FRAME, tunnel, n).i8(binary).bytes(payload)}, numbered {@code seq}, holds. */
        void frame(long seq, long tunnel, boolean binary, byte[] payload) {
            int size = HEADER + 1 + 4 + payload.length;
            room(4 + size).putInt(size);
            buffer.put((byte) Relay.FRAME).putLong(seq).putLong(tunnel);
            buffer.put((byte) (binary ? 1 : 0)).putInt(payload.length).put(payload);
            count++;
        }

        /** What the messages added so far take, the batch's own header not counted. */
        int size() {
            return buffer == null ? 0 : buffer.position() - HEADER - 4;
        }

        int count() {
            return count;
        }

        /** The batch's bytes; a single message's own bytes when it holds one. */
        byte[] bytes() {
            if (count == 0) {
                throw new IllegalStateException("an empty batch");
            }
            byte[] array = buffer.array();
            if (count == 1) {
                return Arrays.copyOfRange(array, HEADER + 8, buffer.position());
            }
            buffer.putInt(HEADER, count);
            return Arrays.copyOf(array, buffer.position());
        }

        private ByteBuffer room(int n) {
            if (buffer == null) {
                buffer = ByteBuffer.allocate(HEADER + 4 + Math.max(sizeHint, n));
                buffer.put((byte) Relay.BATCH).putLong(0).putLong(0).putInt(0);
            } else {
                buffer = grown(buffer, n);
            }
            return buffer;
        }
    }

    /** {@code buffer}, or a bigger copy of what it holds when fewer than {@code n} bytes remain. */
    private static ByteBuffer grown(ByteBuffer buffer, int n) {
        if (buffer.remaining() >= n) {
            return buffer;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + n + 64));
        buffer.flip();
        return bigger.put(buffer);
    }

    /** Type, link number, tunnel. */
    private static final int HEADER = 1 + 8 + 8;

    /** Writes a message; grows as needed. */
    static final class Writer {
        private ByteBuffer buffer;

        Writer(int type, long tunnel, int sizeHint) {
            buffer = ByteBuffer.allocate(Math.max(64, sizeHint + 32));
            buffer.put((byte) type);
            buffer.putLong(0); // the link's sequence number, set when sent
            buffer.putLong(tunnel);
        }

        Writer i8(int v) {
            room(1).put((byte) v);
            return this;
        }

        Writer i32(int v) {
            room(4).putInt(v);
            return this;
        }

        Writer str(String s) {
            if (s == null) {
                return i32(-1);
            }
            return bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        Writer bytes(byte[] b) {
            room(4 + b.length).putInt(b.length);
            buffer.put(b);
            return this;
        }

        Writer headers(HttpResponse.Headers headers) {
            i32(headers.all().size());
            for (HttpResponse.Headers.Header h : headers.all()) {
                str(h.name()).str(h.value());
            }
            return this;
        }

        private ByteBuffer room(int n) {
            buffer = grown(buffer, n);
            return buffer;
        }

        /** Numbers the message {@code seq} on its link; it is complete from now on. */
        Writer number(long seq) {
            buffer.putLong(1, seq);
            return this;
        }

        /** The message's size in bytes. */
        int size() {
            return buffer.position();
        }

        /** The message's bytes (numbered first); the writer's own array when it fits exactly. */
        byte[] bytes() {
            byte[] array = buffer.array();
            return array.length == buffer.position() ? array : Arrays.copyOf(array, buffer.position());
        }
    }

    /**
     * Reads a message; {@link Malformed} on anything that does not fit. A {@link Relay#BATCH} is
     * read with this same reader: {@link #enter} each message in turn, read it, {@link #leave} it.
     */
    static final class Reader {
        private final byte[] array;
        private int position;
        private int end;
        private int batchEnd = -1;
        int type;
        long seq;
        long tunnel;

        Reader(byte[] message) {
            this.array = message;
            this.end = message.length;
            header();
        }

        private void header() {
            if (end - position < HEADER) {
                throw new Malformed("a relay message of " + (end - position) + " bytes is too short");
            }
            type = array[position++];
            seq = i64();
            tunnel = i64();
        }

        /**
         * Moves into the next message of a batch, whose type, number and tunnel this reader then
         * shows; nothing is copied.
         */
        void enter() {
            int n = i32();
            if (n < 0 || n > end - position) {
                throw new Malformed("truncated relay message");
            }
            batchEnd = end;
            end = position + n;
            header();
        }

        /** Moves past the message {@link #enter} entered, however much of it was read. */
        void leave() {
            position = end;
            end = batchEnd;
            batchEnd = -1;
        }

        int i8() {
            need(1);
            return array[position++];
        }

        int i32() {
            need(4);
            int v = (array[position] & 0xFF) << 24
                    | (array[position + 1] & 0xFF) << 16
                    | (array[position + 2] & 0xFF) << 8
                    | (array[position + 3] & 0xFF);
            position += 4;
            return v;
        }

        private long i64() {
            long high = i32() & 0xFFFFFFFFL;
            return high << 32 | (i32() & 0xFFFFFFFFL);
        }

        private void need(int n) {
            if (end - position < n) {
                throw new Malformed("truncated relay message");
            }
        }

        String str() {
            int n = length();
            if (n < 0) {
                return null;
            }
            String s = new String(array, position, n, StandardCharsets.UTF_8);
            position += n;
            return s;
        }

        byte[] bytes() {
            int n = length();
            if (n < 0) {
                throw new Malformed("a relay message lacks bytes");
            }
            byte[] b = Arrays.copyOfRange(array, position, position + n);
            position += n;
            return b;
        }

        /** The length of the next string or byte array, {@code -1} for null; checked to fit. */
        private int length() {
            int n = i32();
            if (n > end - position || n < -1) {
                throw new Malformed("truncated relay message");
            }
            return n;
        }

        HttpResponse.Headers headers() {
            int n = i32();
            if (n < 0 || n > 10_000) {
                throw new Malformed("a relay message has " + n + " headers");
            }
            HttpResponse.Headers headers = new HttpResponse.Headers();
            for (int i = 0; i < n; i++) {
                headers.add(str(), str());
            }
            return headers;
        }
    }

    /** A relay message that cannot be read: a bug or a foreign sender, never a client's doing. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message);
        }
    }
}
