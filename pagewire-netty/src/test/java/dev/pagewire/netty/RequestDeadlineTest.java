package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.RawHttp;
import dev.pagewire.netty.testing.RawWebSocket;
import dev.pagewire.netty.testing.TestSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server's deadlines for receiving a request ({@code requestHeadTimeout},
 * {@code requestBodyTimeout}), against a client that sends one byte at a time: each byte would
 * restart the idle timer, the deadline does not move.
 */
class RequestDeadlineTest {

    private static final Duration DEADLINE = Duration.ofMillis(300);
    /** Slow enough that the request cannot finish within {@link #DEADLINE}, fast enough for any idle timer. */
    private static final Duration PACE = Duration.ofMillis(40);

    private Pagewire app;
    private PagewireServer server;

    @BeforeEach
    void start() {
        app = Pagewire.create();
        app.page("/p", (request, page) -> {
            page.on("echo", e -> page.emit("echoed", e.data()));
            return "<html><head><title>p</title></head><body>p</body></html>";
        });
        server = PagewireServer.start(
                app,
                s -> s.host("127.0.0.1").port(0).requestHeadTimeout(DEADLINE).requestBodyTimeout(DEADLINE));
    }

    @AfterEach
    void stop() {
        server.close();
        app.close();
    }

    @Test
    void aHeadSentByteByByteSlowerThanTheDeadlineGets408AndTheConnectionCloses() throws Exception {
        try (Socket socket = connect()) {
            String head = "GET /p HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: " + "s".repeat(100) + "\r\n\r\n";
            long start = System.nanoTime();
            Thread client = RawHttp.dribbling(socket.getOutputStream(), head.getBytes(StandardCharsets.US_ASCII), PACE);

            String answer = TestSocket.readUntilClosed(socket.getInputStream());

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            client.join(10_000);
            assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
            assertTrue(answer.toLowerCase().contains("\r\nconnection: close\r\n"), answer);
            assertTrue(answer.endsWith("the request's head did not arrive in time\n"), answer);
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "closed after " + took);
        }
    }

    @Test
    void overTlsTheHeadsDeadlineStartsAfterTheHandshakeAndItsAnswerIsEncrypted(@TempDir Path certificates)
            throws Exception {
        DevCertificate certificate = DevCertificate.generate(certificates);
        try (PagewireServer tls = PagewireServer.start(
                        app,
                        s -> s.host("127.0.0.1")
                                .port(0)
                                .requestHeadTimeout(DEADLINE)
                                .tls(certificate.certificateFile(), certificate.privateKeyFile()));
                SSLSocket socket = (SSLSocket) TlsTest.trusting(certificate.certificate())
                        .getSocketFactory()
                        .createSocket("127.0.0.1", tls.port())) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            String head = "GET /p HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: " + "s".repeat(100) + "\r\n\r\n";
            Thread client = RawHttp.dribbling(socket.getOutputStream(), head.getBytes(StandardCharsets.US_ASCII), PACE);

            String answer = TestSocket.readUntilClosed(socket.getInputStream());

            client.join(10_000);
            assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
        }
    }

    @Test
    void aBodySentByteByByteSlowerThanTheDeadlineGets408() throws Exception {
        try (Socket socket = connect()) {
            String body = "x".repeat(100);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /p HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: "
                            + body.length() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread client = RawHttp.dribbling(out, body.getBytes(StandardCharsets.US_ASCII), PACE);

            String answer = TestSocket.readUntilClosed(socket.getInputStream());

            client.join(10_000);
            assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
            assertTrue(answer.endsWith("the request's body did not arrive in time\n"), answer);
        }
    }

    @Test
    void aKeepAliveConnectionIdleAfterAFastRequestIsNotClosedByTheDeadline() throws Exception {
        try (Socket socket = connect()) {
            String request = "GET /p HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(RawHttp.readResponse(in).startsWith("HTTP/1.1 200 OK\r\n"));

            // Idle for three deadlines: nothing may arrive, the end of the connection included.
            socket.setSoTimeout((int) DEADLINE.multipliedBy(3).toMillis());
            assertThrows(SocketTimeoutException.class, in::read, "the server sent something or closed");

            socket.setSoTimeout(10_000);
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(RawHttp.readResponse(in).startsWith("HTTP/1.1 200 OK\r\n"), "the same connection serves again");
        }
    }

    @Test
    void aWebSocketIsNotSubjectToTheDeadlines() throws Exception {
        String token = TestSocket.token(TestSocket.render(server.uri().resolve("/p")));
        try (RawWebSocket socket =
                RawWebSocket.open(TestSocket.channelUri(server.uri().resolve("/p"), token), false)) {
            assertTrue(socket.nextText().startsWith("[\"hello\","));

            // A frame taking several deadlines to arrive, as a request's head would.
            socket.dribble(
                    0x80, RawWebSocket.TEXT, "[\"ev\",\"echo\",\"slow\"]".getBytes(StandardCharsets.UTF_8), PACE);

            assertEquals("[\"ev\",\"echoed\",\"slow\",1]", nextEvent(socket));
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000); // bounds a failing test only
        return socket;
    }

    /** The next text frame that is not a ping. */
    private static String nextEvent(RawWebSocket socket) throws IOException {
        while (true) {
            String text = socket.nextText();
            if (!text.equals("[\"ping\"]")) {
                return text;
            }
        }
    }
}
