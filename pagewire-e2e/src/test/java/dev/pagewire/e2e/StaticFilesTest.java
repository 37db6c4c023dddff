package dev.pagewire.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.RawHttp;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.servlet.testing.RunningServer;
import dev.pagewire.servlet.testing.Servers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Static files as every server sends them, read byte for byte from a plain socket: {@code 304}
 * without a body on a connection that stays usable, gzip, byte ranges, HEAD, and no path that leaves
 * the root. The root {@code public/} sits next to {@code secret.txt} and holds a link to it.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Servers.class)
class StaticFilesTest {

    private static final String TEXT = "static text, compressible. ".repeat(100);
    private static final String SECRET = "the secret outside the root";
    /** How long a raw read may wait: bounds a failing test only. */
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    @Parameter
    Servers kind;

    @TempDir
    Path tmp;

    private Pagewire app;
    private RunningServer server;

    private void start() throws IOException {
        Path root = Files.createDirectory(tmp.resolve("public"));
        Files.writeString(root.resolve("app.js"), TEXT);
        Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Files.createSymbolicLink(root.resolve("link.txt"), tmp.resolve("secret.txt"));
        app = Pagewire.create();
        app.staticFiles("/s", root);
        server = kind.start(app);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (app != null) {
            app.close();
        }
    }

    /** One response read from a connection: head and body as text, one character per byte. */
    private record Response(String head, String body) {

        int status() {
            return Integer.parseInt(head.substring(9, 12));
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }

        byte[] bytes() {
            return body.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** A connection to the server on which requests go one after another. */
    private final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        Connection() throws IOException {
            socket = new Socket(server.uri().getHost(), server.uri().getPort());
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            in = socket.getInputStream();
        }

        Response get(String target, String... headers) throws IOException {
            return send("GET", target, headers);
        }

        Response send(String method, String target, String... headers) throws IOException {
            StringBuilder request = new StringBuilder(
                    method + " " + target + " HTTP/1.1\r\nHost: " + server.uri().getAuthority() + "\r\n");
            for (String header : headers) {
                request.append(header).append("\r\n");
            }
            socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            if (method.equals("HEAD")) {
                return new Response(TestSocket.readHead(in), "");
            }
            String text = RawHttp.readResponse(in);
            int end = text.indexOf("\r\n\r\n") + 4;
            return new Response(text.substring(0, end), text.substring(end));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void aRevalidationIs304WithoutABodyAndTheConnectionGoesOn() throws Exception {
        start();
        try (Connection c = new Connection()) {
            Response first = c.get("/s/app.js");
            assertEquals(200, first.status(), first.head());
            assertEquals(TEXT, first.body());
            // A container may write the type without the space: the same type.
            assertEquals(
                    "text/javascript;charset=utf-8",
                    first.header("Content-Type").replace(" ", ""));
            assertEquals("nosniff", first.header("X-Content-Type-Options"));
            assertEquals("no-cache", first.header("Cache-Control"));
            assertEquals("bytes", first.header("Accept-Ranges"));
            String etag = first.header("ETag");
            assertTrue(etag.startsWith("\""), etag);

            Response notModified = c.get("/s/app.js", "If-None-Match: " + etag);
            assertEquals(304, notModified.status(), notModified.head());
            assertEquals(etag, notModified.header("ETag"));
            assertEquals(first.header("Last-Modified"), notModified.header("Last-Modified"));
            String length = notModified.header("Content-Length");
            // RFC 9110 §8.6: no length, or the 200's. Jetty adds "Content-Length: 0" to a 304 itself,
            // after the filter: harmless, as no client reads a body after a 304.
            boolean jettys = kind == Servers.JETTY && "0".equals(length);
            assertTrue(length == null || length.equals(String.valueOf(TEXT.length())) || jettys, notModified.head());

            Response byDate = c.get("/s/app.js", "If-Modified-Since: " + first.header("Last-Modified"));
            assertEquals(304, byDate.status(), "the connection still reads requests after a 304");
        }
    }

    @Test
    void textIsGzippedForAClientThatAcceptsIt() throws Exception {
        start();
        try (Connection c = new Connection()) {
            Response r = c.get("/s/app.js", "Accept-Encoding: gzip, deflate");
            assertEquals(200, r.status(), r.head());
            assertEquals("gzip", r.header("Content-Encoding"));
            assertEquals("Accept-Encoding", r.header("Vary"));
            assertEquals(TEXT, gunzip(r.bytes()));
            Response refused = c.get("/s/app.js", "Accept-Encoding: gzip;q=0");
            assertNull(refused.header("Content-Encoding"), refused.head());
            assertEquals(TEXT, refused.body());
            assertNotEquals(r.header("ETag"), refused.header("ETag"));
        }
    }

    @Test
    void aByteRangeIs206AndOnePastTheEndIs416() throws Exception {
        start();
        try (Connection c = new Connection()) {
            Response r = c.get("/s/app.js", "Range: bytes=7-10", "Accept-Encoding: gzip");
            assertEquals(206, r.status(), r.head());
            assertEquals("text", r.body());
            assertEquals("bytes 7-10/" + TEXT.length(), r.header("Content-Range"));
            assertNull(r.header("Content-Encoding"));
            Response past = c.get("/s/app.js", "Range: bytes=" + TEXT.length() + "-");
            assertEquals(416, past.status(), past.head());
            assertEquals("bytes */" + TEXT.length(), past.header("Content-Range"));
            Response several = c.get("/s/app.js", "Range: bytes=0-1,5-6");
            assertEquals(200, several.status());
            assertEquals(TEXT, several.body());
        }
    }

    @Test
    void aHeadHasTheHeadersOfTheGetAndNoBody() throws Exception {
        start();
        try (Connection c = new Connection()) {
            Response head = c.send("HEAD", "/s/app.js");
            assertEquals(200, head.status(), head.head());
            assertEquals(String.valueOf(TEXT.length()), head.header("Content-Length"));
            assertTrue(head.header("ETag").startsWith("\""));
            Response next = c.get("/s/app.js", "Range: bytes=0-5");
            assertEquals("static", next.body(), "no body came after the HEAD's head");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/s/../secret.txt",
                "/s/%2e%2e/secret.txt",
                "/s/%2E%2E/secret.txt",
                "/s/%252e%252e/secret.txt",
                "/s/..%2fsecret.txt",
                "/s/app.js%2f..%2f..%2fsecret.txt",
                "/s/..%5csecret.txt",
                "/s/..\\secret.txt",
                "/s//etc/passwd",
                "/s/%2fetc%2fpasswd",
                "/s/app.js%00.txt",
                "/s/link.txt",
            })
    void aPathOutOfTheRootIsNotFound(String target) throws Exception {
        start();
        try (Connection c = new Connection()) {
            Response r = c.get(target);
            assertFalse(r.body().contains(SECRET), r.head() + r.body());
            if (kind == Servers.NETTY) {
                assertEquals(404, r.status(), r.head());
            } else {
                // A container may refuse such a target itself, before the filter sees it.
                assertTrue(r.status() == 404 || r.status() == 400, r.head());
            }
        }
    }

    private static String gunzip(byte[] gzipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
