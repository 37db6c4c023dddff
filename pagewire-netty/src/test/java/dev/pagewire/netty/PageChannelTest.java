package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.netty.testing.Wait;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A page's channel over the embedded server, driven by a plain WebSocket client. */
class PageChannelTest {

    @TempDir
    Path files;

    private Pagewire app;
    private PagewireServer server;
    private final BlockingQueue<Page> pages = new LinkedBlockingQueue<>();
    private URI page;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(files.resolve("style.css"), "body{}");
        app = Pagewire.create(s -> s.maxMessageBytes(4096).allowOrigins("https://friend.example"));
        app.staticFiles("/files", files);
        app.page("/p", (request, page) -> {
            AtomicInteger count = new AtomicInteger();
            page.on("count", e -> page.emit("counted", count.incrementAndGet()));
            page.on("echo", e -> page.emit("echoed", e.data()));
            page.on("bytes", e -> page.emit("reversed", reverse(e.bytes())));
            pages.add(page);
            return "<html><head><title>p</title></head><body>p</body></html>";
        });
        server = PagewireServer.start(app, s -> s.host("127.0.0.1").port(0));
        page = server.uri().resolve("/p");
    }

    @AfterEach
    void stop() {
        server.close();
        app.close();
    }

    @Test
    void renderedPageCarriesTheClientScriptAndItsTokenAndIsNeverCached() throws Exception {
        HttpResponse<String> response = get(page);
        assertEquals(200, response.statusCode());
        assertEquals("no-store", response.headers().firstValue("cache-control").orElseThrow());
        assertTrue(
                java.util.regex.Pattern.compile(
                                "<head><script type=\"module\" src=\"/_pagewire/client\\.[0-9a-f]{16}\\.js\""
                                        + " data-pagewire-token=\"v1\\.")
                        .matcher(response.body())
                        .find(),
                response.body());
    }

    @Test
    void eventsReachTheSamePageObjectAndItsEmitsReachTheSocket() throws Exception {
        try (TestSocket socket = TestSocket.openPage(page)) {
            Page p = pages.take();
            assertEquals(
                    "[\"hello\",{\"v\":1,\"page\":\"" + p.id() + "\",\"heartbeat\":15000,\"ack\":0}]",
                    socket.nextText());
            socket.send("[\"ev\",\"count\"]");
            socket.send("[\"ev\",\"count\"]");
            socket.send("[\"ev\",\"echo\",{\"a\":[1,2]}]");
            assertEquals("[\"ev\",\"counted\",1,1]", socket.nextText());
            assertEquals("[\"ev\",\"counted\",2,2]", socket.nextText());
            assertEquals("[\"ev\",\"echoed\",{\"a\":[1,2]},3]", socket.nextText());
            assertEquals("websocket", p.transport());
        }
    }

    @Test
    void serverPushesFromAnyThreadAtAnyTimeArrive() throws Exception {
        try (TestSocket socket = TestSocket.openPage(page)) {
            Page p = pages.take();
            socket.nextText();
            Thread.ofPlatform().start(() -> p.emit("news", Map.of("n", 1))).join();
            assertEquals("[\"ev\",\"news\",{\"n\":1},1]", socket.nextText());
        }
    }

    @Test
    void emitsBeforeTheFirstConnectionArriveAfterHello() throws Exception {
        String token = TestSocket.token(TestSocket.render(page));
        Page p = pages.take();
        p.emit("early", 1);
        p.emit("early", 2);
        try (TestSocket socket = TestSocket.open(TestSocket.channelUri(page, token), null)) {
            assertTrue(socket.nextText().startsWith("[\"hello\""));
            assertEquals("[\"ev\",\"early\",1,1]", socket.nextText());
            assertEquals("[\"ev\",\"early\",2,2]", socket.nextText());
        }
    }

    @Test
    void binaryEventsTravelBothWays() throws Exception {
        try (TestSocket socket = TestSocket.openPage(page)) {
            socket.nextText();
            byte[] header = "[\"ev\",\"bytes\"]".getBytes(StandardCharsets.UTF_8);
            ByteBuffer frame = ByteBuffer.allocate(4 + header.length + 3);
            frame.putInt(header.length).put(header).put(new byte[] {1, 2, 3});
            socket.sendBinary(frame.array());
            Object reply;
            do {
                reply = socket.next();
            } while (reply instanceof String);
            byte[] expectedHeader = "[\"ev\",\"reversed\",1]".getBytes(StandardCharsets.UTF_8);
            ByteBuffer expected = ByteBuffer.allocate(4 + expectedHeader.length + 3);
            expected.putInt(expectedHeader.length).put(expectedHeader).put(new byte[] {3, 2, 1});
            assertArrayEquals(expected.array(), (byte[]) reply);
        }
    }

    @Test
    void unknownEventGetsAnErrorFrameAndTheConnectionStays() throws Exception {
        try (TestSocket socket = TestSocket.openPage(page)) {
            socket.nextText();
            socket.send("[\"ev\",\"nope\"]");
            assertEquals("[\"err\",\"unknown_event\",\"no handler for event 'nope'\",1]", socket.nextText());
            socket.send("[\"ev\",\"count\"]");
            assertEquals("[\"ev\",\"counted\",1,2]", socket.nextText());
        }
    }

    @Test
    void foreignOriginIsRefusedWith403BeforeAnyUpgrade() throws Exception {
        URI uri = TestSocket.channelUri(page, TestSocket.token(TestSocket.render(page)));
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> TestSocket.open(uri, "https://evil.example"));
        WebSocketHandshakeException refused = (WebSocketHandshakeException) e.getCause();
        assertEquals(403, refused.getResponse().statusCode());
    }

    @Test
    void ownOriginAndAllowListedOriginsAreAccepted() throws Exception {
        for (String origin : new String[] {"http://" + page.getAuthority(), "https://friend.example"}) {
            URI uri = TestSocket.channelUri(page, TestSocket.token(TestSocket.render(page)));
            try (TestSocket socket = TestSocket.open(uri, origin)) {
                assertTrue(socket.nextText().startsWith("[\"hello\""), origin);
            }
        }
    }

    @Test
    void tamperedTokenIsRefusedWith4401() throws Exception {
        String token = TestSocket.token(TestSocket.render(page));
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
        try (TestSocket socket = TestSocket.open(TestSocket.channelUri(page, tampered), null)) {
            assertEquals(new TestSocket.Closed(4401, "invalid page token"), socket.awaitClose());
        }
    }

    @Test
    void missingTokenIsRefusedWith4401() throws Exception {
        try (TestSocket socket = TestSocket.open(URI.create("ws://" + page.getAuthority() + "/p"), null)) {
            assertEquals(new TestSocket.Closed(4401, "missing page token"), socket.awaitClose());
        }
    }

    @Test
    void tokenOfAnotherServerIsRefused() throws Exception {
        Pagewire other = Pagewire.create();
        other.page("/p", (r, p) -> "<p>other</p>");
        try (PagewireServer otherServer =
                PagewireServer.start(other, s -> s.host("127.0.0.1").port(0))) {
            String foreign =
                    TestSocket.token(TestSocket.render(otherServer.uri().resolve("/p")));
            try (TestSocket socket = TestSocket.open(TestSocket.channelUri(page, foreign), null)) {
                assertEquals(4401, socket.awaitClose().code());
            }
        } finally {
            other.close();
        }
    }

    @Test
    void malformedFrameClosesOnlyThatConnection() throws Exception {
        try (TestSocket bad = TestSocket.openPage(page);
                TestSocket good = TestSocket.openPage(page)) {
            bad.nextText();
            good.nextText();
            bad.send("[not json");
            TestSocket.Closed closed = bad.awaitClose();
            assertEquals(4400, closed.code());
            assertTrue(closed.reason().startsWith("malformed JSON"), closed.reason());
            try (TestSocket object = TestSocket.openPage(page)) {
                object.nextText();
                object.send("{\"ev\":\"count\"}");
                TestSocket.Closed notArray = object.awaitClose();
                assertEquals(4400, notArray.code());
                assertEquals("frame is not a JSON array", notArray.reason());
            }
            good.send("[\"ev\",\"count\"]");
            assertEquals("[\"ev\",\"counted\",1,1]", good.nextText());
        }
    }

    @Test
    void oversizedMessageClosesWith1009() throws Exception {
        try (TestSocket socket = TestSocket.openPage(page)) {
            socket.nextText();
            socket.send("[\"ev\",\"echo\",\"" + "x".repeat(5000) + "\"]");
            assertEquals(1009, socket.awaitClose().code());
        }
    }

    @Test
    void aNewConnectionReplacesTheOldOneWith4409() throws Exception {
        String token = TestSocket.token(TestSocket.render(page));
        URI uri = TestSocket.channelUri(page, token);
        try (TestSocket first = TestSocket.open(uri, null)) {
            first.nextText();
            try (TestSocket second = TestSocket.open(uri, null)) {
                second.nextText();
                assertEquals(4409, first.awaitClose().code());
                second.send("[\"ev\",\"count\"]");
                assertEquals("[\"ev\",\"counted\",1,1]", second.nextText());
            }
        }
    }

    @Test
    void byeClosesThePageAtOnce() throws Exception {
        try (TestSocket socket = TestSocket.openPage(page)) {
            Page p = pages.take();
            socket.nextText();
            socket.send("[\"bye\"]");
            Wait.await(
                    Duration.ofSeconds(5),
                    "page closed and forgotten after bye",
                    () -> p.isClosed() && app.pageCount() == 0);
        }
    }

    @Test
    void upgradeOfAPathWithoutAPageIs404() throws Exception {
        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> TestSocket.open(URI.create("ws://" + page.getAuthority() + "/nowhere?pagewire=x"), null));
        assertEquals(
                404, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
    }

    @Test
    void clientScriptAndStaticFilesAreServedAndTraversalIsRefused() throws Exception {
        HttpResponse<String> client = get(server.uri().resolve("/_pagewire/client.js"));
        assertEquals(200, client.statusCode());
        assertTrue(client.headers().firstValue("content-type").orElseThrow().startsWith("text/javascript"));
        assertEquals("body{}", get(server.uri().resolve("/files/style.css")).body());
        assertEquals(
                404,
                get(URI.create(server.uri() + "files/%2e%2e/%2e%2e/etc/passwd")).statusCode());
        assertEquals(404, get(server.uri().resolve("/files/missing.css")).statusCode());
    }

    @Test
    void pagePostIsRefusedWith405() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(page)
                                .POST(HttpRequest.BodyPublishers.ofString("x"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(405, response.statusCode());
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] reverse(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }
}
