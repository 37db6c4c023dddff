package dev.pagewire.netty.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.Deflater;

/**
 * A WebSocket client on a plain socket that writes whatever frames a test composes, bit by bit,
 * including ones no real client would send (reserved bits, bad close codes, broken compressed data),
 * and reads the server's frames raw. For protocol edge cases; {@link TestSocket} is for the rest.
 * Not thread-safe: one test thread drives it.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int TEXT = 0x1;
    public static final int CONTINUATION = 0x0;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;
    /** The RSV1 bit of a frame's first byte: "compressed" under permessage-deflate (RFC 7692). */
    public static final int RSV1 = 0x40;

    /** A frame from the server. */
    public record Frame(int firstByte, byte[] payload) {
        public int opcode() {
            return firstByte & 0x0F;
        }

        /** The status code of a close frame, or -1 when it has none. */
        public int closeCode() {
            return payload.length < 2 ? -1 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }

        /** The reason of a close frame, empty when it has none. */
        public String reason() {
            return payload.length < 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    /** The 101 response head the server sent. */
    public final String handshake;

    private RawWebSocket(Socket socket, String handshake) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
        this.handshake = handshake;
    }

    /**
     * Upgrades a connection to {@code uri} (a {@code ws:} URL), offering permessage-deflate when
     * {@code deflate}; fails unless the server answers 101 (and agrees to deflate when offered).
     */
    public static RawWebSocket open(URI uri, boolean deflate) throws IOException {
        return open(uri, deflate, "", 0);
    }

    /**
     * As {@link #open(URI, boolean)}, with a receive buffer of {@code receiveBufferBytes} ({@code 0}:
     * the system's), set before connecting so that it bounds the TCP window: a client that reads
     * nothing then makes the backlog build in the server, not in the kernel.
     */
    public static RawWebSocket open(URI uri, boolean deflate, int receiveBufferBytes) throws IOException {
        return open(uri, deflate, "", receiveBufferBytes);
    }

    /**
     * {@link #open(URI, boolean)} with more header lines in the upgrade request: {@code extraHeaders}
     * is written as is after the others, each line ending in CRLF.
     */
    public static RawWebSocket open(URI uri, boolean deflate, String extraHeaders) throws IOException {
        return open(uri, deflate, extraHeaders, 0);
    }

    private static RawWebSocket open(URI uri, boolean deflate, String extraHeaders, int receiveBufferBytes)
            throws IOException {
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
        socket.setSoTimeout(10_000); // bounds a failing test; the server answers at once
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String request = "GET " + target + " HTTP/1.1\r\nHost: " + uri.getAuthority()
                + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + (deflate ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : "") + extraHeaders + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        String head = TestSocket.readHead(socket.getInputStream());
        if (!head.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new AssertionError("no upgrade: " + head);
        }
        if (deflate && !head.toLowerCase().contains("permessage-deflate")) {
            socket.close();
            throw new AssertionError("permessage-deflate was not agreed: " + head);
        }
        return new RawWebSocket(socket, head);
    }

    /**
     * A connection a test upgraded itself (with a handshake {@link #open} would not send), now
     * speaking WebSocket: {@code head} is the server's {@code 101} response, already read.
     */
    public static RawWebSocket upgraded(Socket socket, String head) throws IOException {
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IllegalArgumentException("not an upgrade: " + head);
        }
        return new RawWebSocket(socket, head);
    }

    /** Sends one masked frame (RFC 6455 §5.2); {@code bits} are FIN (0x80) and RSV bits of the first byte. */
    public void send(int bits, int opcode, byte[] payload) throws IOException {
        out.write(frame(bits, opcode, payload));
        out.flush();
    }

    /**
     * Sends one masked frame a byte at a time, {@code pace} apart: a slow client, whose pace is
     * what the test is about (not a wait for something to happen).
     */
    public void dribble(int bits, int opcode, byte[] payload, Duration pace) throws IOException, InterruptedException {
        for (byte b : frame(bits, opcode, payload)) {
            out.write(b);
            out.flush();
            LockSupport.parkNanos(pace.toNanos()); // the slow client's pace
        }
    }

    /** Writes bytes as they are (frames made with {@link #frame}, many at once). */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Reads frames until the server's close frame or the end of the connection; the number of
     * frames with {@code opcode} among them.
     */
    public int countUntilClose(int opcode) throws IOException {
        int count = 0;
        while (true) {
            Frame frame;
            try {
                frame = read();
            } catch (EOFException end) {
                return count;
            }
            if (frame.opcode() == opcode) {
                count++;
            }
            if (frame.opcode() == CLOSE) {
                return count;
            }
        }
    }

    /** A masked frame's bytes. */
    public static byte[] frame(int bits, int opcode, byte[] payload) {
        return frame(bits, opcode, payload, true);
    }

    /** A frame's bytes without a mask, as only a server may send them (RFC 6455 §5.1). */
    public static byte[] unmaskedFrame(int bits, int opcode, byte[] payload) {
        return frame(bits, opcode, payload, false);
    }

    private static byte[] frame(int bits, int opcode, byte[] payload, boolean masked) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(bits | opcode);
        int maskBit = masked ? 0x80 : 0;
        int n = payload.length;
        if (n < 126) {
            frame.write(maskBit | n);
        } else if (n <= 0xFFFF) {
            frame.write(maskBit | 126);
            frame.write(n >>> 8);
            frame.write(n);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) n >>> shift));
            }
        }
        if (!masked) {
            frame.writeBytes(payload);
            return frame.toByteArray();
        }
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        frame.writeBytes(mask);
        for (int i = 0; i < n; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    /**
     * Reads frames until a text frame and returns its payload as text; the frame must not be
     * compressed. Fails on a close frame or the end of the connection.
     */
    public String nextText() throws IOException {
        while (true) {
            Frame frame = read();
            if (frame.opcode() == CLOSE) {
                throw new AssertionError("closed with " + frame.closeCode() + " " + frame.reason());
            }
            if (frame.opcode() == TEXT) {
                return new String(frame.payload(), StandardCharsets.UTF_8);
            }
        }
    }

    /**
     * Reads frames until a close frame and returns it; {@code null} if the connection ended (or
     * was reset) without one.
     */
    public Frame awaitClose() throws IOException {
        while (true) {
            Frame frame;
            try {
                frame = read();
            } catch (EOFException | SocketException ended) {
                return null;
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no close frame and no end of the connection within 10 s", e);
            }
            if (frame.opcode() == CLOSE) {
                return frame;
            }
        }
    }

    /** Whether the server has closed the connection (reads it to its end, discarding frames). */
    public boolean endsWithin10Seconds() throws IOException {
        InputStream raw = socket.getInputStream();
        try {
            while (raw.read() >= 0) {
                // discard
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    private Frame read() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long n = second & 0x7F;
        if (n == 126) {
            n = in.readUnsignedShort();
        } else if (n == 127) {
            n = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(n)];
        in.readFully(payload);
        return new Frame(first, payload);
    }

    /**
     * {@code data} compressed as one permessage-deflate message: raw DEFLATE, sync-flushed, without
     * the final {@code 00 00 ff ff} (RFC 7692 §7.2.1).
     */
    public static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length);
        deflater.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }

    /** A close frame's payload: the code, no reason. */
    public static byte[] closePayload(int code) {
        return new byte[] {(byte) (code >>> 8), (byte) code};
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
