package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.TestFallback;
import dev.pagewire.netty.testing.TestSocket;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/PROTOCOL.md §10.3 over the real server: a connection dropped mid-stream, a new one opened
 * with {@code ack=}, and exactly the missing frames arriving after {@code hello}, on every transport.
 */
class ResumeTest {

    private Pagewire app;
    private PagewireServer server;
    private final BlockingQueue<Page> pages = new LinkedBlockingQueue<>();
    private URI page;

    @BeforeEach
    void start() throws Exception {
        app = Pagewire.create(s -> {});
        app.page("/p", (request, page) -> {
            pages.add(page);
            return "<html><head></head><body>p</body></html>";
        });
        server = PagewireServer.start(app, s -> s.host("127.0.0.1").port(0));
        page = server.uri().resolve("/p");
    }

    @AfterEach
    void stop() {
        server.close();
        app.close();
    }

    private static String ev(int n) {
        return "[\"ev\",\"n\"," + n + "," + n + "]";
    }

    /** Opens a page over {@code transport}, reads frames 1 and 2 of 5, and drops the connection. */
    private String dropAfterTwo(String transport, Page[] out) throws Exception {
        String token = TestSocket.token(TestSocket.render(page));
        Page p = pages.take();
        out[0] = p;
        if (transport.equals("websocket")) {
            try (TestSocket socket = TestSocket.open(TestSocket.channelUri(page, token), null)) {
                assertTrue(socket.nextText().startsWith("[\"hello\""));
                for (int i = 1; i <= 5; i++) {
                    p.emit("n", i);
                }
                assertEquals(ev(1), socket.nextText());
                assertEquals(ev(2), socket.nextText());
            }
        } else {
            try (TestFallback client = TestFallback.open(page, token, transport)) {
                for (int i = 1; i <= 5; i++) {
                    p.emit("n", i);
                }
                assertEquals(ev(1), client.nextEvent());
                assertEquals(ev(2), client.nextEvent());
            }
        }
        // Emitted while the old connection is dying or gone: kept for the resume all the same.
        p.emit("n", 6);
        return token;
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "sse", "longpolling"})
    void aWebSocketResumingWithAckGetsExactlyTheMissingFrames(String dropped) throws Exception {
        Page[] p = new Page[1];
        String token = dropAfterTwo(dropped, p);
        URI uri = URI.create(TestSocket.channelUri(page, token) + "&ack=2");
        try (TestSocket socket = TestSocket.open(uri, null)) {
            assertEquals(
                    "[\"hello\",{\"v\":1,\"page\":\"" + p[0].id() + "\",\"heartbeat\":15000,\"ack\":0}]",
                    socket.nextText());
            for (int i = 3; i <= 6; i++) {
                assertEquals(ev(i), socket.nextText());
            }
            p[0].emit("n", 7);
            assertEquals(ev(7), socket.nextText(), "nothing else before the next new frame");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "longpolling"})
    void aFallbackResumingWithAckGetsExactlyTheMissingFrames(String transport) throws Exception {
        Page[] p = new Page[1];
        String token = dropAfterTwo("websocket", p);
        try (TestFallback client = TestFallback.open(page, token, transport, "ack=2")) {
            assertTrue(client.next().startsWith("[\"open\""));
            assertTrue(client.next().endsWith(",\"ack\":0}]"));
            for (int i = 3; i <= 6; i++) {
                assertEquals(ev(i), client.nextEvent());
            }
            p[0].emit("n", 7);
            assertEquals(ev(7), client.nextEvent());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "longpolling"})
    void aFallbackDroppedMidStreamResumesOnTheSameTransport(String transport) throws Exception {
        Page[] p = new Page[1];
        String token = dropAfterTwo(transport, p);
        try (TestFallback client = TestFallback.open(page, token, transport, "ack=2")) {
            for (int i = 3; i <= 6; i++) {
                assertEquals(ev(i), client.nextEvent());
            }
            assertEquals(204, client.post("[\"ack\",6]").statusCode());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "sse"})
    void anAckAboveWhatWasSentIsRefusedWith4400(String transport) throws Exception {
        String token = TestSocket.token(TestSocket.render(page));
        pages.take();
        if (transport.equals("websocket")) {
            try (TestSocket socket = TestSocket.open(URI.create(TestSocket.channelUri(page, token) + "&ack=9"), null)) {
                assertEquals(4400, socket.awaitClose().code());
            }
        } else {
            try (TestFallback client = TestFallback.open(page, token, transport, "ack=9")) {
                assertTrue(client.next().startsWith("[\"close\",4400,"));
            }
        }
    }
}
