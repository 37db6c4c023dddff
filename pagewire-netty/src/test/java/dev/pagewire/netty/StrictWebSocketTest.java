package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.RawWebSocket;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.spi.CloseCodes;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A page's WebSocket held to RFC 6455 and RFC 7692 where a client breaks them: each breach ends
 * in a close frame whose code says what was wrong (never a bare TCP close, which a browser reports
 * as 1006 and answers by reconnecting and sending the same again), and none fills the log.
 */
class StrictWebSocketTest {

    private static final int FIN = 0x80;
    private static final int MAX_MESSAGE_BYTES = 1024;

    private Pagewire app;
    private PagewireServer server;
    private URI page;

    @BeforeEach
    void start() {
        app = Pagewire.create(s -> s.maxMessageBytes(MAX_MESSAGE_BYTES));
        app.page("/p", (request, page) -> "<html><head><title>p</title></head><body>p</body></html>");
        server = PagewireServer.start(app, s -> s.host("127.0.0.1").port(0));
        page = server.uri().resolve("/p");
    }

    @AfterEach
    void stop() {
        server.close();
        app.close();
    }

    private RawWebSocket open(boolean deflate) throws Exception {
        return RawWebSocket.open(TestSocket.channelUri(page, TestSocket.token(TestSocket.render(page))), deflate);
    }

    @ParameterizedTest(name = "close code {0}")
    // Below 3000 Netty's frame decoder finds the code itself; from 3000 up it lets every code through.
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 2999, 5000})
    void aCloseCodeThatIsNotValidOnTheWireIsAnsweredWithProtocolError(int code) throws Exception {
        try (RawWebSocket socket = open(false)) {
            socket.send(FIN, RawWebSocket.CLOSE, RawWebSocket.closePayload(code));

            RawWebSocket.Frame close = socket.awaitClose();

            assertNotNull(close, "a close frame, not just the end of the connection");
            assertEquals(CloseCodes.PROTOCOL_ERROR, close.closeCode());
        }
    }

    @Test
    void aValidCloseCodeIsStillEchoed() throws Exception {
        try (RawWebSocket socket = open(false)) {
            socket.send(FIN, RawWebSocket.CLOSE, RawWebSocket.closePayload(4999));

            RawWebSocket.Frame close = socket.awaitClose();

            assertNotNull(close);
            assertEquals(4999, close.closeCode());
        }
    }

    @Test
    void rsv1OnAContinuationFrameIsAProtocolError() throws Exception {
        byte[] compressed = RawWebSocket.deflate("[\"ev\",\"nothing\",null]".getBytes(StandardCharsets.UTF_8));
        int half = compressed.length / 2;
        try (RawWebSocket socket = open(true)) {
            socket.send(RawWebSocket.RSV1, RawWebSocket.TEXT, Arrays.copyOfRange(compressed, 0, half));
            socket.send(
                    FIN | RawWebSocket.RSV1,
                    RawWebSocket.CONTINUATION,
                    Arrays.copyOfRange(compressed, half, compressed.length));

            RawWebSocket.Frame close = socket.awaitClose();

            assertNotNull(close, "a close frame, not just the end of the connection");
            assertEquals(CloseCodes.PROTOCOL_ERROR, close.closeCode());
        }
    }

    @Test
    void aCompressedMessageThatInflatesPastMaxMessageBytesClosesWithMessageTooBig() throws Exception {
        byte[] bomb = RawWebSocket.deflate("a".repeat(100 * MAX_MESSAGE_BYTES).getBytes(StandardCharsets.UTF_8));
        assertTrue(bomb.length < MAX_MESSAGE_BYTES, "small on the wire: " + bomb.length);
        String log = capturingStderr(() -> {
            try (RawWebSocket socket = open(true)) {
                socket.send(FIN | RawWebSocket.RSV1, RawWebSocket.TEXT, bomb);

                RawWebSocket.Frame close = socket.awaitClose();

                assertNotNull(close, "a close frame the browser can tell \"too big\" from");
                assertEquals(CloseCodes.MESSAGE_TOO_BIG, close.closeCode());
                assertEquals("message too big", close.reason());
            }
        });
        assertFalse(log.contains("WARN"), log);
    }

    @Test
    void invalidCompressedDataClosesWithInvalidPayloadAndNoWarning() throws Exception {
        // BFINAL 1, BTYPE 11: a block type DEFLATE reserves (RFC 1951 §3.2.3).
        byte[] notDeflate = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        String log = capturingStderr(() -> {
            try (RawWebSocket socket = open(true)) {
                socket.send(FIN | RawWebSocket.RSV1, RawWebSocket.TEXT, notDeflate);

                RawWebSocket.Frame close = socket.awaitClose();

                assertNotNull(close, "a close frame, not just the end of the connection");
                assertEquals(CloseCodes.INVALID_PAYLOAD, close.closeCode());
                assertTrue(socket.endsWithin10Seconds(), "the server ends the connection");
            }
        });
        assertFalse(log.contains("WARN"), log);
        assertFalse(log.contains("\tat "), "no stack trace: " + log);
    }

    private interface Body {
        void run() throws Exception;
    }

    /**
     * What was written to stderr (where slf4j-simple logs) while {@code body} ran, once the server
     * has ended the connection; still shown on the real stderr as well.
     */
    private static String capturingStderr(Body body) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        synchronized (captured) {
                            captured.write(b);
                        }
                        original.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        synchronized (captured) {
                            captured.write(b, off, len);
                        }
                        original.write(b, off, len);
                    }
                },
                true,
                StandardCharsets.UTF_8);
        System.setErr(tee);
        try {
            body.run();
        } finally {
            System.setErr(original);
        }
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }
}
