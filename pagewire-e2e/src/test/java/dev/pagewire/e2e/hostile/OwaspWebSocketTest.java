package dev.pagewire.e2e.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.Settings;
import dev.pagewire.netty.testing.RawWebSocket;
import dev.pagewire.netty.testing.TestFallback;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.Servers;
import dev.pagewire.spi.CloseCodes;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Source: the <a href="https://cheatsheetseries.owasp.org/cheatsheets/WebSocket_Security_Cheat_Sheet.html">OWASP
 * WebSocket Security Cheat Sheet</a>, its "Testing WebSocket Security" list case by case: origin
 * validation (Cross-Site WebSocket Hijacking, on the WebSocket and on every fallback request),
 * authentication bypass (no token, another page's token), session management (a token replayed
 * after its page expired), and DoS resistance (oversized messages, message flooding). On every
 * server; after each case a bystander page is still served.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Servers.class)
class OwaspWebSocketTest {

    private static final String FRIEND = "https://friend.example";
    private static final String EVIL = "https://evil.example";
    private static final int MAX_MESSAGE_BYTES = 1024;
    private static final int EVENTS_PER_SECOND = 20;
    private static final Duration GRACE = Duration.ofMillis(200);

    private static HostileServer server;

    @Parameter
    Servers kind;

    @BeforeParameterizedClassInvocation
    static void start(Servers kind) {
        server = HostileServer.start(
                kind,
                s -> s.allowOrigins(FRIEND)
                        .maxMessageBytes(MAX_MESSAGE_BYTES)
                        .closeGracePeriod(GRACE)
                        .pollTimeout(Duration.ofMillis(500))
                        .clientLimits(new Settings.ClientLimits(10_000, 10_000, EVENTS_PER_SECOND, null)));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @AfterEach
    void aBystanderIsStillServed() throws Exception {
        server.assertBystanderServed();
    }

    // ---- Origin header validation (Cross-Site WebSocket Hijacking)

    @Test
    @DisplayName(
            "OWASP WebSocket Cheat Sheet, Origin Header Validation (CSWSH): a WebSocket upgrade from another site →"
                    + " 403")
    void anUpgradeFromAnotherSiteIsRefused() throws Exception {
        Answer answer = server.send("GET /p?pagewire=" + server.token() + " HTTP/1.1\r\nHost: " + server.authority()
                + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: " + EVIL + "\r\n\r\n");

        assertOriginRefused(answer);
    }

    @ParameterizedTest(name = "transport={0}")
    @ValueSource(strings = {"sse", "longpolling"})
    @DisplayName(
            "OWASP WebSocket Cheat Sheet, Origin Header Validation (CSWSH): a fallback open from another site → 403")
    void aFallbackOpenFromAnotherSiteIsRefused(String transport) throws Exception {
        Answer answer = server.send("GET /p?pagewire=" + server.token() + "&transport=" + transport
                + " HTTP/1.1\r\nHost: " + server.authority() + "\r\nOrigin: " + EVIL + "\r\n\r\n");

        assertOriginRefused(answer);
    }

    @Test
    @DisplayName("OWASP WebSocket Cheat Sheet, Origin Header Validation (CSWSH): a long-poll of an open connection from"
            + " another site → 403")
    void aPollFromAnotherSiteIsRefused() throws Exception {
        try (TestFallback client = TestFallback.openPage(server.page(), "longpolling")) {
            Answer answer = server.send("GET /p?pagewire=" + client.token + "&conn=" + client.conn()
                    + " HTTP/1.1\r\nHost: " + server.authority() + "\r\nOrigin: " + EVIL + "\r\n\r\n");

            assertOriginRefused(answer);
        }
    }

    @ParameterizedTest(name = "transport={0}")
    @ValueSource(strings = {"sse", "longpolling"})
    @DisplayName(
            "OWASP WebSocket Cheat Sheet, Origin Header Validation (CSWSH): a POST of frames from another site → 403")
    void aPostFromAnotherSiteIsRefused(String transport) throws Exception {
        try (TestFallback client = TestFallback.openPage(server.page(), transport)) {
            HttpResponse<String> answer = client.postFrom(EVIL, "[\"ev\",\"echo\",\"hijacked\",1]");

            assertEquals(403, answer.statusCode(), answer.body());
            assertEquals("origin not allowed: " + EVIL + "\n", answer.body());
            assertEquals(204, client.post("[\"ev\",\"echo\",\"mine\",1]").statusCode(), "the page's own POST");
            assertTrue(
                    client.nextEvent().startsWith("[\"ev\",\"echoed\",\"mine\",1"),
                    "only the page's own event arrived");
        }
    }

    @Test
    @DisplayName(
            "OWASP WebSocket Cheat Sheet, Origin Header Validation: an allow-listed origin, and the server's own, are"
                    + " admitted")
    void anAllowedOriginAndTheServersOwnAreAdmitted() throws Exception {
        for (String origin : new String[] {FRIEND, server.origin()}) {
            try (TestSocket socket = TestSocket.open(server.channel(server.token()), origin)) {
                assertTrue(socket.nextText().startsWith("[\"hello\","), origin);
            }
        }
    }

    // ---- Authentication and session management

    @Test
    @DisplayName("OWASP WebSocket Cheat Sheet, Testing: authentication bypass, a channel without a token → close 4401")
    void aChannelWithoutATokenIsRefused() throws Exception {
        try (TestSocket socket = TestSocket.open(URI.create("ws://" + server.authority() + "/p"), null)) {
            assertEquals(new TestSocket.Closed(CloseCodes.BAD_TOKEN, "missing page token"), socket.awaitClose());
        }
    }

    @Test
    @DisplayName("OWASP WebSocket Cheat Sheet, Testing: authentication bypass, another page's token → close 4401")
    void anotherPagesTokenIsRefused() throws Exception {
        String theirs = server.token(server.otherPage());

        try (TestSocket socket = TestSocket.open(server.channel(theirs), null)) {
            assertEquals(new TestSocket.Closed(CloseCodes.BAD_TOKEN, "invalid page token"), socket.awaitClose());
        }
    }

    @Test
    @DisplayName(
            "OWASP WebSocket Cheat Sheet, Session Management: a token replayed after its page expired → close 4404")
    void aTokenReplayedAfterItsPageExpiredIsRefused() throws Exception {
        String token = server.token();
        Page page = server.pageOf(token);
        try (TestSocket socket = TestSocket.open(server.channel(token), null)) {
            assertTrue(socket.nextText().startsWith("[\"hello\","));
        }
        Wait.await(GRACE.plusSeconds(5), "the page to expire after its grace period", page::isClosed);

        try (TestSocket replay = TestSocket.open(server.channel(token), null)) {
            assertEquals(new TestSocket.Closed(CloseCodes.PAGE_GONE, "page expired"), replay.awaitClose());
        }
    }

    // ---- Denial of service: message size and rate

    @Test
    @DisplayName(
            "OWASP WebSocket Cheat Sheet, Input Validation / DoS: a message at the size limit is delivered, one byte"
                    + " over → close 1009")
    void aMessageOverTheSizeLimitClosesWith1009() throws Exception {
        try (RawWebSocket socket = server.rawChannel(false)) {
            socket.send(0x80, RawWebSocket.TEXT, echo("at", MAX_MESSAGE_BYTES));
            assertTrue(socket.nextText().startsWith("[\"ev\",\"echoed\",\"at"), "the message at the limit was handled");

            socket.send(0x80, RawWebSocket.TEXT, echo("over", MAX_MESSAGE_BYTES + 1));

            HostileServer.assertCloseFrame(CloseCodes.MESSAGE_TOO_BIG, socket);
        }
    }

    @Test
    @DisplayName("OWASP WebSocket Cheat Sheet, DoS: message flooding past the per-connection event rate → close 4429")
    void floodingPastTheEventRateClosesWith4429() throws Exception {
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        for (int i = 1; i <= EVENTS_PER_SECOND * 4; i++) {
            flood.writeBytes(RawWebSocket.frame(0x80, RawWebSocket.TEXT, text("[\"ev\",\"nothing\",null," + i + "]")));
        }
        try (RawWebSocket socket = server.rawChannel(false)) {
            socket.sendRaw(flood.toByteArray());

            RawWebSocket.Frame close = socket.awaitClose();

            assertNotNull(close, "a close frame, not just the end of the connection");
            assertEquals(CloseCodes.TOO_MANY_EVENTS, close.closeCode(), close.reason());
            assertEquals("more than " + EVENTS_PER_SECOND + " events a second", close.reason());
        }
    }

    // ---- shared steps

    /** Refused before any route ran, as docs/SECURITY.md says, with no CORS header for the browser to read. */
    private static void assertOriginRefused(Answer answer) {
        assertEquals(403, answer.status(), answer.toString());
        assertEquals("origin not allowed: " + EVIL + "\n", answer.body(), answer.toString());
        assertEquals(null, answer.header("Access-Control-Allow-Origin"), answer.toString());
    }

    /** An {@code echo} event frame of exactly {@code bytes} bytes, its data starting with {@code prefix}. */
    private static byte[] echo(String prefix, int bytes) {
        String empty = "[\"ev\",\"echo\",\"" + prefix + "\",1]";
        String frame = "[\"ev\",\"echo\",\"" + prefix + "x".repeat(bytes - empty.length()) + "\",1]";
        assertEquals(bytes, frame.length());
        return text(frame);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
