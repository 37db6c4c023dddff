package dev.pagewire.e2e.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagewire.netty.testing.RawWebSocket;
import dev.pagewire.netty.testing.TestFallback;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.servlet.testing.Servers;
import dev.pagewire.spi.CloseCodes;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Source: CVEs of peer WebSocket and realtime libraries, one case per class of flaw, each asking
 * whether Pagewire has the same flaw: {@code ws} (Node), engine.io and socket.io-parser, Netty, and
 * Spring's STOMP broker. The CVE's own attack is carried over to Pagewire's protocol where the peer's
 * protocol differs. On every server; after each case a bystander page is still served.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Servers.class)
class CveClassesTest {

    private static final int MAX_MESSAGE_BYTES = 1024;

    private static HostileServer server;

    @Parameter
    Servers kind;

    @BeforeParameterizedClassInvocation
    static void start(Servers kind) {
        server = HostileServer.start(kind, s -> s.maxMessageBytes(MAX_MESSAGE_BYTES));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @AfterEach
    void aBystanderIsStillServed() throws Exception {
        server.assertBystanderServed();
    }

    // ---- ws (Node)

    @Test
    @DisplayName("ws CVE-2021-32640 (ReDoS in Sec-WebSocket-Protocol): a long crafted header is answered at once, the"
            + " upgrade goes on")
    void aLongCraftedSubprotocolHeaderIsAnsweredAtOnce() throws Exception {
        // The advisory's input: a value that makes a backtracking split on / *, */ quadratic.
        String protocols = "b" + " ".repeat(6000) + "x";
        long start = System.nanoTime();

        try (RawWebSocket socket = RawWebSocket.open(
                server.channel(server.token()), false, "Sec-WebSocket-Protocol: " + protocols + "\r\n")) {
            assertTrue(socket.nextText().startsWith("[\"hello\","));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "upgraded after " + took);
            assertFalse(
                    socket.handshake.toLowerCase(Locale.ROOT).contains("sec-websocket-protocol"),
                    "no subprotocol was chosen: " + socket.handshake);
        }
    }

    @Test
    @DisplayName("ws CVE-2024-37890 (a request with very many headers crashed the server): 1000 headers → upgraded, or"
            + " refused 400/431")
    void anUpgradeWithVeryManyHeadersIsAnsweredNotCrashed() throws Exception {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            headers.append("X-").append(i).append(": v\r\n");
        }
        String request = "GET /p?pagewire=" + server.token() + " HTTP/1.1\r\nHost: " + server.authority()
                + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + headers + "\r\n";
        try (Socket socket = server.connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = TestSocket.readHead(socket.getInputStream());
            if (kind == Servers.NETTY) {
                // 12 KB of head, within the embedded server's 16 KiB: an ordinary upgrade.
                assertTrue(head.startsWith("HTTP/1.1 101 "), head);
            }
            if (head.startsWith("HTTP/1.1 101 ")) {
                assertTrue(RawWebSocket.upgraded(socket, head).nextText().startsWith("[\"hello\","));
            } else {
                // Tomcat counts headers (100 by default) and Jetty bounds the head (8 KiB): each
                // refuses it itself, as RFC 6585 §5 and RFC 9110 §15.5.1 allow.
                assertTrue(Set.of("400", "431").contains(head.substring(9, 12)), head);
            }
        }
    }

    // ---- engine.io, socket.io-parser

    /** Frames that are not Pagewire frames, and the reason each is refused with. */
    static Stream<Arguments> malformedFrames() {
        return Stream.of(
                Arguments.of("{\"type\":\"ev\",\"name\":\"echo\"}", "frame is not a JSON array"),
                Arguments.of("[{\"toString\":\"ev\"},\"echo\"]", "frame type must be a string"),
                Arguments.of("[\"ev\",[\"echo\"],null,1]", "event name must be a string"),
                Arguments.of("[\"ev\",\"echo\",null,\"1\"]", "sequence number must be a positive integer"),
                Arguments.of("[\"ev\",\"echo\",null,1e400]", "sequence number must be a positive integer"),
                Arguments.of("[\"ev\",\"echo\",null,99999999999999999999]", "sequence number out of range"),
                Arguments.of("[\"call\",-1,\"echo\",null,1]", "call id must be a positive integer, got -1"),
                Arguments.of("[\"__proto__\"]", "unknown frame type '__proto__'"),
                Arguments.of("[-1,\"ev\",\"echo\",null,1]", "channel number must be a positive integer, got -1"),
                Arguments.of("[\"ev\",\"echo\",null,1] [\"ev\",\"echo\",null,2]", "trailing data after frame"),
                Arguments.of("[\"ev\",\"echo\"", "malformed JSON: "),
                Arguments.of("[\"ev\",\"echo\"," + "[".repeat(40) + "]".repeat(40) + ",1]", "malformed JSON: "));
    }

    /** Binary messages that are not Pagewire frames (socket.io's binary attachments had such a flaw). */
    static Stream<Arguments> malformedBinaryFrames() {
        return Stream.of(
                Arguments.of(new byte[] {0, 0}, "binary frame shorter than its length prefix"),
                Arguments.of(
                        binary(0x7FFFFFFF, "[\"ev\",\"echo\",1]"),
                        "binary frame header length 2147483647 exceeds the frame"),
                Arguments.of(
                        binary(-1, "{\"_placeholder\":true,\"num\":\"__proto__\"}"),
                        "binary frame header must be [\"ev\", name]"),
                Arguments.of(
                        binary(-1, "[\"call\",1,\"echo\"]"),
                        "binary frame header must be [\"ev\", name] or [c, \"ev\", name]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFrames")
    @DisplayName(
            "engine.io CVE-2022-41940, socket.io-parser CVE-2022-2421 / CVE-2023-32695 (malformed packets crashed the"
                    + " server): over WebSocket → close 4400")
    void aMalformedFrameOverWebSocketClosesWith4400(String frame, String reason) throws Exception {
        try (TestSocket socket = server.channel()) {
            socket.send(frame);

            assertClosed4400(socket.awaitClose(), reason);
        }
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformedBinaryFrames")
    @DisplayName("socket.io-parser CVE-2022-2421 (type-confused binary attachments): a malformed binary frame over"
            + " WebSocket → close 4400")
    void aMalformedBinaryFrameOverWebSocketClosesWith4400(byte[] frame, String reason) throws Exception {
        try (TestSocket socket = server.channel()) {
            socket.sendBinary(frame);

            assertClosed4400(socket.awaitClose(), reason);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFrames")
    @DisplayName(
            "engine.io CVE-2022-41940, socket.io-parser CVE-2022-2421 / CVE-2023-32695: over a fallback POST → 400,"
                    + " then close 4400 on the down channel")
    void aMalformedFrameOverAFallbackPostIs400(String frame, String reason) throws Exception {
        assertPostRefused(frame, reason);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformedBinaryFrames")
    @DisplayName(
            "socket.io-parser CVE-2022-2421: a malformed binary frame line over a fallback POST → 400, then close 4400")
    void aMalformedBinaryFrameOverAFallbackPostIs400(byte[] frame, String reason) throws Exception {
        assertPostRefused("~" + Base64.getEncoder().encodeToString(frame), reason);
    }

    // ---- Netty

    @Test
    @DisplayName(
            "Netty CVE-2019-16869 (\"Transfer-Encoding : chunked\", whitespace before the colon, read as chunked) →"
                    + " 400, nothing smuggled")
    void transferEncodingWithWhitespaceBeforeTheColonIsRefused() throws Exception {
        // Read as chunked, the body ends before a request for /smuggled; by Content-Length it does not.
        String body = "0\r\n\r\n" + server.smuggledRequest();
        Answer answer = server.assertNothingSmuggled(
                server.postHead("Content-Length: " + body.length() + "\r\nTransfer-Encoding : chunked\r\n") + body);

        assertEquals(400, answer.status(), answer.toString());
    }

    @Test
    @DisplayName("Netty CVE-2019-20444 (a header line without a colon read as a header) → 400, nothing smuggled")
    void aHeaderLineWithoutAColonIsRefused() throws Exception {
        String body = "0\r\n\r\n" + server.smuggledRequest();
        Answer answer = server.assertNothingSmuggled(
                server.postHead("Content-Length: " + body.length() + "\r\nTransfer-Encoding chunked\r\n") + body);

        assertEquals(400, answer.status(), answer.toString());
    }

    @Test
    @DisplayName("Netty CVE-2019-20445 (several Content-Length values, one of them read) → 400, nothing smuggled")
    void contentLengthWithTwoValuesIsRefused() throws Exception {
        // Two values in one line (RFC 9110 §8.6); two lines are Rfc9112Test's case.
        String smuggled = server.smuggledRequest();
        Answer answer = server.assertNothingSmuggled(
                server.postHead("Content-Length: 0, " + smuggled.length() + "\r\n") + smuggled);

        assertEquals(400, answer.status(), answer.toString());
    }

    @Test
    @DisplayName(
            "Netty CVE-2021-37136 / CVE-2021-37137 (decompression without a limit): a permessage-deflate bomb → close"
                    + " 1009")
    void aDecompressionBombClosesWith1009() throws Exception {
        byte[] bomb = RawWebSocket.deflate("a".repeat(256 * MAX_MESSAGE_BYTES).getBytes(StandardCharsets.UTF_8));
        assertTrue(bomb.length < MAX_MESSAGE_BYTES, "small on the wire: " + bomb.length);

        try (RawWebSocket socket = server.rawChannel(true)) {
            socket.send(0x80 | RawWebSocket.RSV1, RawWebSocket.TEXT, bomb);

            HostileServer.assertCloseFrame(CloseCodes.MESSAGE_TOO_BIG, socket);
        }
    }

    // ---- Spring

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "T(java.lang.Runtime).getRuntime().exec('touch /tmp/pagewire-pwned')",
                "${7*7}",
                "#{7*7}",
                "{{7*7}}",
                "${jndi:ldap://127.0.0.1:1/x}",
                "<%= 7*7 %>"
            })
    @DisplayName(
            "Spring CVE-2018-1270 (SpEL injection via STOMP message headers): frame data is delivered as data, never"
                    + " evaluated")
    void frameDataIsNeverEvaluated(String expression) throws Exception {
        String json = new ObjectMapper().writeValueAsString(expression);
        try (TestSocket socket = server.channel()) {
            socket.send("[\"ev\",\"echo\",{\"selector\":" + json + ",\"value\":" + json + "},1]");

            assertTrue(
                    socket.nextText()
                            .startsWith("[\"ev\",\"echoed\",{\"selector\":" + json + ",\"value\":" + json + "},1"),
                    "echoed unchanged");
        }
    }

    // ---- shared steps

    /**
     * A binary message: the uint32 header length ({@code -1}: the header's own), the header, and a
     * payload.
     */
    private static byte[] binary(int length, String header) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + h.length + 3)
                .putInt(length == -1 ? h.length : length)
                .put(h)
                .put(new byte[] {1, 2, 3})
                .array();
    }

    /** Closed with 4400 and a reason that starts with {@code reason} (a JSON parser's message follows some). */
    private static void assertClosed4400(TestSocket.Closed closed, String reason) {
        assertEquals(CloseCodes.BAD_FRAME, closed.code(), closed.reason());
        assertTrue(closed.reason().startsWith(reason), closed.reason());
    }

    /** POSTs one frame line on a fresh long-polling connection: {@code 400}, then {@code close 4400} below. */
    private static void assertPostRefused(String line, String reason) throws Exception {
        try (TestFallback client = TestFallback.openPage(server.page(), "longpolling")) {
            HttpResponse<String> answer = client.post(line);

            assertEquals(400, answer.statusCode(), answer.body());
            assertTrue(answer.body().startsWith(reason), answer.body());
            String close = client.nextEvent();
            assertTrue(close.startsWith("[\"close\",4400,"), close);
        }
    }
}
