package dev.pagewire.e2e.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pagewire.netty.testing.RawWebSocket;
import dev.pagewire.servlet.testing.Servers;
import dev.pagewire.spi.CloseCodes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
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
 * Source: <a href="https://www.rfc-editor.org/rfc/rfc6455">RFC 6455</a>, The WebSocket Protocol, by
 * section: an opening handshake the RFC does not allow is refused with the status it calls for,
 * before any upgrade; a frame it does not allow fails the connection with the close code of §7.4.1.
 * Handshakes are written byte for byte and frames bit by bit ({@link RawWebSocket}), on every
 * server; after each case a bystander page is still served.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Servers.class)
class Rfc6455Test {

    private static final int FIN = 0x80;
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

    // ---- §4.1, §4.2.1: the opening handshake

    @Test
    @DisplayName("RFC 6455 §4.1, §4.2.1: an upgrade without Sec-WebSocket-Key → 400")
    void anUpgradeWithoutAKeyIsRefused() throws Exception {
        Answer answer = server.send(upgrade("HTTP/1.1", "Sec-WebSocket-Version: 13\r\n"));

        assertRefused(answer, 400, "Sec-WebSocket-Key must be 16 random bytes in base64 (RFC 6455 §4.1)");
    }

    @ParameterizedTest(name = "Sec-WebSocket-Key: {0}")
    @ValueSource(strings = {"c2hvcnQ=", "AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "!!!!!!!!!!!!!!!!!!!!!!=="})
    @DisplayName("RFC 6455 §4.1, §4.2.1: a Sec-WebSocket-Key that is not 16 bytes in base64 → 400")
    void aKeyThatIsNotSixteenBytesInBase64IsRefused(String key) throws Exception {
        Answer answer =
                server.send(upgrade("HTTP/1.1", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key + "\r\n"));

        assertRefused(answer, 400, "Sec-WebSocket-Key must be 16 random bytes in base64 (RFC 6455 §4.1)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Sec-WebSocket-Version: 8\r\n", "Sec-WebSocket-Version: 12\r\n", ""})
    @DisplayName("RFC 6455 §4.2.1 item 6, §4.4: a version other than 13, or none → 426 with Sec-WebSocket-Version: 13")
    void aVersionOtherThan13IsRefusedWith426(String version) throws Exception {
        Answer answer = server.send(upgrade("HTTP/1.1", version + "Sec-WebSocket-Key: " + KEY + "\r\n"));

        assertRefused(answer, 426, "only WebSocket version 13 (RFC 6455) is supported here");
        assertEquals("13", answer.header("Sec-WebSocket-Version"), answer.toString());
    }

    @Test
    @DisplayName("RFC 6455 §4.1 item 2: an upgrade over HTTP/1.0 → 400")
    void anUpgradeOverHttp10IsRefused() throws Exception {
        Answer answer =
                server.send(upgrade("HTTP/1.0", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + KEY + "\r\n"));

        assertRefused(answer, 400, "a WebSocket opening handshake needs HTTP/1.1, not HTTP/1.0");
    }

    @Test
    @DisplayName("RFC 6455 §4.4 (drafts): a Hixie-76 handshake (Sec-WebSocket-Key1/Key2, no version) → 426")
    void aHixie76HandshakeIsRefused() throws Exception {
        // draft-hixie-thewebsocketprotocol-76 §1.3's example: two keys of digits and spaces, no
        // version, and eight bytes of key3 after the head. Its answer would echo the request's URL,
        // token and all, and its frames carry no mask.
        Answer answer = server.send(upgrade(
                        "HTTP/1.1",
                        "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nSec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n")
                + "^n:ds[4U");

        assertRefused(answer, 426, "only WebSocket version 13 (RFC 6455) is supported here");
        assertEquals("13", answer.header("Sec-WebSocket-Version"), answer.toString());
    }

    // ---- §5: framing

    @Test
    @DisplayName("RFC 6455 §5.1: a client frame without a mask → close 1002")
    void anUnmaskedClientFrameFailsTheConnection() throws Exception {
        assertClosesWith(
                CloseCodes.PROTOCOL_ERROR, RawWebSocket.unmaskedFrame(FIN, RawWebSocket.TEXT, text("[\"ping\"]")));
    }

    @ParameterizedTest(name = "RSV bits 0x{0}")
    @ValueSource(ints = {0x40, 0x20, 0x10})
    @DisplayName("RFC 6455 §5.2: a reserved bit no extension gave a meaning → close 1002")
    void aReservedBitFailsTheConnection(int rsv) throws Exception {
        // RSV1 too: this connection agreed no permessage-deflate.
        assertClosesWith(
                CloseCodes.PROTOCOL_ERROR, RawWebSocket.frame(FIN | rsv, RawWebSocket.TEXT, text("[\"ping\"]")));
    }

    @ParameterizedTest(name = "opcode 0x{0}")
    @ValueSource(ints = {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF})
    @DisplayName("RFC 6455 §5.2: a reserved opcode (non-control 0x3–0x7, control 0xB–0xF) → close 1002")
    void aReservedOpcodeFailsTheConnection(int opcode) throws Exception {
        assertClosesWith(CloseCodes.PROTOCOL_ERROR, RawWebSocket.frame(FIN, opcode, text("x")));
    }

    @Test
    @DisplayName("RFC 6455 §5.4, §5.5: a fragmented control frame (ping without FIN) → close 1002")
    void aFragmentedControlFrameFailsTheConnection() throws Exception {
        assertClosesWith(
                CloseCodes.PROTOCOL_ERROR,
                RawWebSocket.frame(0, RawWebSocket.PING, text("a")),
                RawWebSocket.frame(FIN, RawWebSocket.CONTINUATION, text("b")));
    }

    @Test
    @DisplayName("RFC 6455 §5.5: a control frame with a payload over 125 bytes → close 1002")
    void aControlFrameOver125BytesFailsTheConnection() throws Exception {
        assertClosesWith(CloseCodes.PROTOCOL_ERROR, RawWebSocket.frame(FIN, RawWebSocket.PING, new byte[126]));
    }

    @Test
    @DisplayName("RFC 6455 §5.4: a continuation frame with no message to continue → close 1002")
    void aContinuationWithoutAStartFailsTheConnection() throws Exception {
        assertClosesWith(
                CloseCodes.PROTOCOL_ERROR, RawWebSocket.frame(FIN, RawWebSocket.CONTINUATION, text("[\"ping\"]")));
    }

    @Test
    @DisplayName("RFC 6455 §5.4: a new data frame while a fragmented message is unfinished → close 1002")
    void aDataFrameInsideAFragmentedMessageFailsTheConnection() throws Exception {
        assertClosesWith(
                CloseCodes.PROTOCOL_ERROR,
                RawWebSocket.frame(0, RawWebSocket.TEXT, text("[\"pi")),
                RawWebSocket.frame(FIN, RawWebSocket.TEXT, text("[\"ping\"]")));
    }

    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
    @DisplayName("RFC 6455 §5.5.1, §7.4: a close code that may not be sent on the wire → close 1002, not echoed")
    void aCloseCodeThatMayNotBeSentFailsTheConnection(int code) throws Exception {
        assertClosesWith(
                CloseCodes.PROTOCOL_ERROR,
                RawWebSocket.frame(FIN, RawWebSocket.CLOSE, RawWebSocket.closePayload(code)));
    }

    @Test
    @DisplayName("RFC 6455 §5.5.1: a close frame with a 1-byte payload (half a code) → close 1002")
    void aCloseFrameWithOneBytePayloadFailsTheConnection() throws Exception {
        assertClosesWith(CloseCodes.PROTOCOL_ERROR, RawWebSocket.frame(FIN, RawWebSocket.CLOSE, new byte[] {3}));
    }

    @Test
    @DisplayName("RFC 6455 §8.1: a text message that is not valid UTF-8 → close 1007")
    void invalidUtf8InATextMessageFailsTheConnection() throws Exception {
        byte[] notUtf8 = {'[', '"', 'e', 'v', '"', ',', '"', (byte) 0xC3, (byte) 0x28, '"', ']'};
        assertClosesWith(CloseCodes.INVALID_PAYLOAD, RawWebSocket.frame(FIN, RawWebSocket.TEXT, notUtf8));
    }

    @Test
    @DisplayName("RFC 6455 §7.4.1 (1009): a message over the server's limit, in fragments under it → close 1009")
    void aMessageOverTheLimitInSmallFragmentsClosesWith1009() throws Exception {
        byte[] half = text("x".repeat(MAX_MESSAGE_BYTES / 2 + 1));
        assertClosesWith(
                CloseCodes.MESSAGE_TOO_BIG,
                RawWebSocket.frame(0, RawWebSocket.TEXT, half),
                RawWebSocket.frame(FIN, RawWebSocket.CONTINUATION, half));
    }

    // ---- shared steps

    /** A key of the right form (16 bytes in base64), RFC 6455 §1.3's example. */
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    /** An upgrade of {@code /p} with a fresh token, whose handshake headers are {@code lines}. */
    private static String upgrade(String version, String lines) throws Exception {
        return "GET /p?pagewire=" + server.token() + " " + version + "\r\nHost: " + server.authority()
                + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" + lines + "\r\n";
    }

    /** Pagewire refused the handshake itself, with {@code status} and {@code reason}, before any upgrade. */
    private static void assertRefused(Answer answer, int status, String reason) {
        assertEquals(status, answer.status(), answer.toString());
        assertEquals(reason + "\n", answer.body(), answer.toString());
    }

    /** Opens a page's channel, sends {@code frames} and expects a close frame with {@code code}. */
    private static void assertClosesWith(int code, byte[]... frames) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            bytes.writeBytes(frame);
        }
        try (RawWebSocket socket = server.rawChannel(false)) {
            socket.sendRaw(bytes.toByteArray());
            HostileServer.assertCloseFrame(code, socket);
        }
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
