package dev.pagewire.internal.cluster;

import dev.pagewire.spi.HttpResponse;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The bytes of relay messages between nodes (docs/CLUSTER.md): a type, the link's sequence number,
 * the tunnel, then the type's fields. Numbers are big-endian; a string is its UTF-8 length as an
 * int ({@code -1} for null) and its bytes; a byte array likewise.
 */
final class Wire {

    private Wire() {}

    /**
     * One message carrying {@code messages} (each numbered on its link already), to be read in
     * order: type {@link Relay#BATCH}, number and tunnel 0, the count, then each message's bytes.
     * Each message is copied once, from its writer into the batch.
     */
    static byte[] batch(List<Writer> messages, int totalBytes) {
        ByteBuffer out = ByteBuffer.allocate(HEADER + 4 + 4 * messages.size() + totalBytes);
        out.put((byte) Relay.BATCH).putLong(0).putLong(0).putInt(messages.size());
        for (Writer m : messages) {
            out.putInt(m.size());
            out.put(m.buffer.array(), 0, m.size());
        }
        return out.array();
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
            if (buffer.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + n + 64));
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
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

    /** Reads a message; {@link Malformed} on anything that does not fit. */
    static final class Reader {
        private final ByteBuffer buffer;
        final int type;
        final long seq;
        final long tunnel;

        Reader(byte[] message) {
            this(message, 0, message.length);
        }

        /** Reads the {@code length} bytes of {@code array} from {@code offset}; nothing is copied. */
        Reader(byte[] array, int offset, int length) {
            buffer = ByteBuffer.wrap(array, offset, length);
            try {
                type = buffer.get();
                seq = buffer.getLong();
                tunnel = buffer.getLong();
            } catch (BufferUnderflowException e) {
                throw new Malformed("a relay message of " + length + " bytes is too short");
            }
        }

        int i8() {
            try {
                return buffer.get();
            } catch (BufferUnderflowException e) {
                throw new Malformed("truncated relay message");
            }
        }

        int i32() {
            try {
                return buffer.getInt();
            } catch (BufferUnderflowException e) {
                throw new Malformed("truncated relay message");
            }
        }

        String str() {
            byte[] b = bytesOrNull();
            return b == null ? null : new String(b, StandardCharsets.UTF_8);
        }

        /**
         * The next byte array as a reader of its own, without copying: a message inside a
         * {@link Relay#BATCH}.
         */
        Reader message() {
            int n = i32();
            if (n < 0 || n > buffer.remaining()) {
                throw new Malformed("truncated relay message");
            }
            Reader inner = new Reader(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
            buffer.position(buffer.position() + n);
            return inner;
        }

        byte[] bytes() {
            byte[] b = bytesOrNull();
            if (b == null) {
                throw new Malformed("a relay message lacks bytes");
            }
            return b;
        }

        private byte[] bytesOrNull() {
            int n = i32();
            if (n < 0) {
                return null;
            }
            if (n > buffer.remaining()) {
                throw new Malformed("truncated relay message");
            }
            byte[] b = new byte[n];
            buffer.get(b);
            return b;
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
