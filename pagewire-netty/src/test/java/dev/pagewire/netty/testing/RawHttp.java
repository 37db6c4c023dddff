package dev.pagewire.netty.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * HTTP/1.1 on a plain socket for tests that send what no HTTP client library would (malformed heads,
 * a request dribbled a byte at a time): reads the server's answers as bytes, one response at a time.
 * Stateless.
 */
public final class RawHttp {

    private RawHttp() {}

    /**
     * Reads one response: its head, then its body by {@code Content-Length} or by the chunked coding,
     * or to the end of the connection when the head has neither (RFC 9112 §6.3). A {@code 1xx},
     * {@code 204} or {@code 304} response has no body: after a {@code 101} the connection speaks
     * another protocol. Returns it as text, one character per byte.
     */
    public static String readResponse(InputStream in) throws IOException {
        String head = TestSocket.readHead(in);
        String lower = head.toLowerCase(Locale.ROOT);
        String status = head.length() >= 12 ? head.substring(9, 12) : "";
        String body;
        if (status.startsWith("1") || status.equals("204") || status.equals("304")) {
            body = "";
        } else if (lower.contains("\r\ntransfer-encoding: chunked\r\n")) {
            body = readChunked(in);
        } else if (headerValue(lower, "content-length") != null) {
            int length = Integer.parseInt(headerValue(lower, "content-length"));
            body = new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
        } else {
            body = TestSocket.readUntilClosed(in);
        }
        return head + body;
    }

    /**
     * Writes {@code bytes} one at a time, {@code pace} apart, on a daemon thread of its own, until
     * all are written or the server closes the connection: a client that sends a byte now and then.
     */
    public static Thread dribbling(OutputStream out, byte[] bytes, Duration pace) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                for (byte b : bytes) {
                    out.write(b);
                    out.flush();
                    LockSupport.parkNanos(pace.toNanos()); // the slow client's pace, not a wait for the server
                }
            } catch (IOException closed) {
                // The server answered and closed: what such tests expect.
            }
        });
    }

    /** The value of the first header line named {@code lowerName} in a lower-cased head, or null. */
    private static String headerValue(String lowerHead, String lowerName) {
        for (String line : lowerHead.split("\r\n")) {
            if (line.startsWith(lowerName + ":")) {
                return line.substring(lowerName.length() + 1).strip();
            }
        }
        return null;
    }

    /** The chunks' data of a chunked body, read through its last chunk and the blank line after it. */
    private static String readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int size = Integer.parseInt(sizeLine.split(";", 2)[0].strip(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailer fields
                }
                return body.toString(StandardCharsets.ISO_8859_1);
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new AssertionError("connection closed inside a chunked body: " + line);
            }
            line.append((char) b);
        }
        return line.toString().stripTrailing();
    }
}
