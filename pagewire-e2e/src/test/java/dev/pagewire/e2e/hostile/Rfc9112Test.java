package dev.pagewire.e2e.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pagewire.netty.testing.RawHttp;
import dev.pagewire.servlet.testing.Servers;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Source: <a href="https://www.rfc-editor.org/rfc/rfc9112">RFC 9112</a>, HTTP/1.1, on message
 * framing and request smuggling: a request whose framing is ambiguous or broken is refused with
 * {@code 400}, or answered once and the connection closed, so that no second request hidden in it
 * ever reaches the application (the page {@code /smuggled} is never rendered); a malformed head is
 * refused; a head sent too slowly is cut off with {@code 408}. Requests are written byte for byte on
 * a plain socket, on every server; after each case a bystander page is still served.
 *
 * <p>Tomcat and Jetty parse a request's head themselves, before Pagewire's filter sees it, and refuse
 * much of this with their own {@code 400} (or {@code 414}, {@code 431}) and their own text. Where
 * that is so, a case asserts what the RFC allows and the safety property (no second request, the
 * connection closed), not the container's text; Pagewire's own answers (all of the embedded
 * server's, and the container's where the request reaches the filter) are asserted exactly.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Servers.class)
class Rfc9112Test {

    /** The embedded server's deadline for a request's head, short for the test. */
    private static final Duration HEAD_DEADLINE = Duration.ofMillis(300);

    private static HostileServer server;

    @Parameter
    Servers kind;

    @BeforeParameterizedClassInvocation
    static void start(Servers kind) {
        server = HostileServer.start(kind, s -> {}, Servers.Options.defaults().withRequestHeadTimeout(HEAD_DEADLINE));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @AfterEach
    void aBystanderIsStillServed() throws Exception {
        server.assertBystanderServed();
    }

    @Test
    @DisplayName(
            "RFC 9112 §6.1, §6.3 item 3, §11.2: Content-Length and Transfer-Encoding both → 400, or one answer and the"
                    + " connection closed")
    void contentLengthAndTransferEncodingTogetherSmuggleNothing() throws Exception {
        // Read by Transfer-Encoding, the body ends at "0\r\n\r\n"; read by Content-Length, at "0\r\n".
        // Either way a request for /smuggled follows: only closing the connection (or refusing)
        // keeps it from the application.
        Answer answer =
                server.assertNothingSmuggled(server.postHead("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n")
                        + "0\r\n\r\n" + server.smuggledRequest());

        if (kind == Servers.NETTY) {
            // RFC 9112 §6.3 lets a server refuse or read by Transfer-Encoding alone; this one refuses.
            // Tomcat does either (a 405 for a POST of this page once read as chunked), Jetty refuses.
            assertStatus(answer, 400, "malformed HTTP request");
        }
    }

    @Test
    @DisplayName("RFC 9112 §6.3 item 5: two different Content-Length values → 400 and the connection closed")
    void twoDifferentContentLengthsAreRefused() throws Exception {
        String smuggled = server.smuggledRequest();
        Answer answer = server.assertNothingSmuggled(
                server.postHead("Content-Length: 0\r\nContent-Length: " + smuggled.length() + "\r\n") + smuggled);

        assertStatus(answer, 400, "malformed HTTP request");
    }

    @Test
    @DisplayName("RFC 9112 §7.1: a chunk size that is not hexadecimal → 400, no further request read")
    void anInvalidChunkSizeIsRefused() throws Exception {
        Answer answer = server.assertNothingSmuggled(server.postHead("Transfer-Encoding: chunked\r\n")
                + "zz\r\nhello\r\n0\r\n\r\n" + server.smuggledRequest());

        if (kind == Servers.TOMCAT && answer.text().isEmpty()) {
            // Tomcat fails the body's read and closes the connection before the filter's 400 is
            // written: RFC 9112 §9.6 lets a server close a connection it cannot read on.
            return;
        }
        assertStatus(answer, 400, kind == Servers.NETTY ? "malformed HTTP request" : null);
    }

    @Test
    @DisplayName("RFC 9112 §5.2: obs-fold in a header → 400, or the fold read as a space (never the line dropped)")
    void anObsFoldIsRefusedOrReadAsASpace() throws Exception {
        // The folded Origin is "<this server's origin> evil.example": not this server's. A server
        // that dropped the continuation line would let it pass as same-origin.
        Answer answer = server.send("GET /p?pagewire=" + server.token() + "&transport=longpolling HTTP/1.1\r\nHost: "
                + server.authority() + "\r\nOrigin: " + server.origin() + "\r\n evil.example\r\n\r\n");

        assertTrue(Set.of(400, 403).contains(answer.status()), answer.toString());
        if (answer.status() == 403) {
            assertEquals(
                    "origin not allowed: " + server.origin() + " evil.example\n", answer.body(), answer.toString());
        }
    }

    @Test
    @DisplayName("RFC 9112 §5.1: whitespace between a header name and its colon → 400")
    void whitespaceBeforeTheColonIsRefused() throws Exception {
        // Ignored rather than refused, the header would leave the body to be read as a request.
        String smuggled = server.smuggledRequest();
        Answer answer = server.assertNothingSmuggled(
                server.postHead("Content-Length : " + smuggled.length() + "\r\n") + smuggled);

        assertStatus(answer, 400, "malformed HTTP request");
    }

    @Test
    @DisplayName("RFC 9112 §5: a header line without a colon → 400")
    void aHeaderLineWithoutAColonIsRefused() throws Exception {
        Answer answer = server.assertNothingSmuggled("GET /p HTTP/1.1\r\nHost: " + server.authority()
                + "\r\nTransfer-Encoding chunked\r\n\r\n" + server.smuggledRequest());

        assertStatus(answer, 400, "malformed HTTP request");
    }

    @Test
    @DisplayName("RFC 9112 §3.2: an HTTP/1.1 request without Host → 400")
    void aRequestWithoutHostIsRefused() throws Exception {
        Answer answer = server.send("GET /p HTTP/1.1\r\n\r\n");

        assertStatus(answer, 400, "an HTTP/1.1 request needs a Host header");
    }

    @Test
    @DisplayName("RFC 9112 §3.2: a request with two Host header lines → 400")
    void aRequestWithTwoHostsIsRefused() throws Exception {
        Answer answer =
                server.send("GET /p HTTP/1.1\r\nHost: " + server.authority() + "\r\nHost: evil.example\r\n\r\n");

        assertStatus(answer, 400, "more than one Host header");
    }

    @Test
    @DisplayName("RFC 9112 §3, RFC 9110 §15.5.15: a request line longer than the server reads → 414 (Tomcat: 400),"
            + " connection closed")
    void anOverlongRequestLineIsRefused() throws Exception {
        Answer answer = server.sendUntilClosed(
                "GET /p?x=" + "a".repeat(64 * 1024) + " HTTP/1.1\r\nHost: " + server.authority() + "\r\n\r\n");

        // RFC 9112 §3 asks for 414; Tomcat answers 400 itself.
        assertTrue(Set.of(400, 414).contains(answer.status()), answer.toString());
        assertEquals(1, answer.responses(), answer.toString());
        if (kind == Servers.NETTY) {
            assertStatus(answer, 414, "request line too long");
        }
    }

    @Test
    @DisplayName("RFC 6585 §5: request headers larger than the server reads → 431 (Tomcat: 400), connection closed")
    void overlongHeadersAreRefused() throws Exception {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            headers.append("X-Filler-")
                    .append(i)
                    .append(": ")
                    .append("h".repeat(1000))
                    .append("\r\n");
        }
        Answer answer =
                server.sendUntilClosed("GET /p HTTP/1.1\r\nHost: " + server.authority() + "\r\n" + headers + "\r\n");

        // Tomcat answers 400 itself, Jetty 431.
        assertTrue(Set.of(400, 431).contains(answer.status()), answer.toString());
        assertEquals(1, answer.responses(), answer.toString());
        if (kind == Servers.NETTY) {
            assertStatus(answer, 431, "request header fields too large");
        }
    }

    @Test
    @DisplayName("RFC 9110 §15.5.9 (408): a request head sent a byte at a time past the head deadline → 408, connection"
            + " closed")
    void aHeadDribbledPastTheDeadlineGets408() throws Exception {
        assumeTrue(
                kind == Servers.NETTY,
                "finding: Tomcat and Jetty have no deadline for a request's head; their read timeouts"
                        + " restart with every byte, so a client dribbling a head holds the connection as long"
                        + " as it likes (the head is the container's to read, before any filter)");
        String head =
                "GET /p HTTP/1.1\r\nHost: " + server.authority() + "\r\nUser-Agent: " + "s".repeat(100) + "\r\n\r\n";
        // Each byte well within any idle timeout; the whole head far past the deadline.
        Duration pace = Duration.ofMillis(40);
        try (Socket socket = server.connect()) {
            long start = System.nanoTime();
            Thread client = RawHttp.dribbling(socket.getOutputStream(), head.getBytes(StandardCharsets.US_ASCII), pace);

            Answer answer = HostileServer.readUntilClosed(socket.getInputStream());

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            client.join(10_000);
            assertStatus(answer, 408, "the request's head did not arrive in time");
            assertTrue(took.compareTo(HEAD_DEADLINE.plusSeconds(2)) < 0, "closed after " + took);
        }
    }

    // ---- shared steps

    /**
     * The answer has {@code status}; on the embedded server, where Pagewire answers every request
     * itself, also the body {@code reason} (when given). Tomcat and Jetty answer malformed requests
     * themselves, with texts of their own.
     */
    private void assertStatus(Answer answer, int status, String reason) {
        assertEquals(status, answer.status(), answer.toString());
        if (kind == Servers.NETTY && reason != null) {
            assertEquals(reason + "\n", answer.body(), answer.toString());
        }
    }
}
