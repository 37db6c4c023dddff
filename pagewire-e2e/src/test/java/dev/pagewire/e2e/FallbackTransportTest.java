package dev.pagewire.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.TestFallback;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.RunningServer;
import dev.pagewire.servlet.testing.Servers;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SSE + POST and long-polling transports (docs/PROTOCOL.md §8), driven by a plain HTTP client, on
 * every server.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Servers.class)
class FallbackTransportTest {

    @Parameter
    Servers kind;

    private Pagewire app;
    private RunningServer server;
    private final BlockingQueue<Page> pages = new LinkedBlockingQueue<>();
    private URI page;

    @BeforeEach
    void start() {
        start(Servers.Options.defaults());
    }

    private void start(Servers.Options options) {
        app = Pagewire.create(s ->
                s.maxMessageBytes(4096).allowOrigins("https://friend.example").pollTimeout(Duration.ofMillis(500)));
        app.page("/p", (request, page) -> {
            AtomicInteger count = new AtomicInteger();
            page.on("count", e -> page.emit("counted", count.incrementAndGet()));
            page.on("echo", e -> page.emit("echoed", e.data()));
            page.on("bytes", e -> page.emit("reversed", reverse(e.bytes())));
            pages.add(page);
            return "<html><head></head><body>p</body></html>";
        });
        server = kind.start(app, options);
        page = server.uri().resolve("/p");
    }

    @AfterEach
    void stop() {
        server.close();
        app.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "longpolling"})
    void openFrameThenHelloThenEventsBothWays(String transport) throws Exception {
        try (TestFallback client = TestFallback.openPage(page, transport)) {
            Page p = pages.take();
            assertTrue(client.next().matches("\\[\"open\",\"[A-Za-z0-9_-]{22}\"]"));
            assertEquals(
                    "[\"hello\",{\"v\":1,\"page\":\"" + p.id() + "\",\"heartbeat\":15000,\"ack\":0}]", client.next());
            assertEquals(
                    204, client.post("[\"ev\",\"count\"]", "[\"ev\",\"count\"]").statusCode());
            assertEquals(
                    204, client.post("[\"ev\",\"echo\",{\"a\":[1,\"\\n\"]}]").statusCode());
            assertEquals("[\"ev\",\"counted\",1,1]", client.nextEvent());
            assertEquals("[\"ev\",\"counted\",2,2]", client.nextEvent());
            assertEquals("[\"ev\",\"echoed\",{\"a\":[1,\"\\n\"]},3]", client.nextEvent());
            assertEquals(transport, p.transport());
            p.emit("news", List.of(1, 2));
            assertEquals("[\"ev\",\"news\",[1,2],4]", client.nextEvent());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "longpolling"})
    void binaryFramesTravelAsBase64Lines(String transport) throws Exception {
        try (TestFallback client = TestFallback.openPage(page, transport)) {
            byte[] header = "[\"ev\",\"bytes\"]".getBytes(StandardCharsets.UTF_8);
            ByteBuffer frame = ByteBuffer.allocate(4 + header.length + 3)
                    .putInt(header.length)
                    .put(header)
                    .put(new byte[] {1, 2, 3});
            assertEquals(
                    204,
                    client.post("~" + Base64.getEncoder().encodeToString(frame.array()))
                            .statusCode());
            String reply = client.nextEvent();
            assertTrue(reply.startsWith("~"), reply);
            ByteBuffer decoded = ByteBuffer.wrap(Base64.getDecoder().decode(reply.substring(1)));
            byte[] replyHeader = new byte[decoded.getInt()];
            decoded.get(replyHeader);
            assertEquals("[\"ev\",\"reversed\",1]", new String(replyHeader, StandardCharsets.UTF_8));
            byte[] payload = new byte[decoded.remaining()];
            decoded.get(payload);
            assertEquals(List.of((byte) 3, (byte) 2, (byte) 1), List.of(payload[0], payload[1], payload[2]));
        }
    }

    @Test
    void sseResponseIsAPaddedUncachedUnbufferedEventStream() throws Exception {
        try (TestFallback client = TestFallback.openPage(page, "sse")) {
            client.next();
            HttpResponse<?> response = client.openResponse;
            assertEquals(200, response.statusCode());
            // Jetty writes the type without the space: "text/event-stream;charset=utf-8".
            assertEquals(
                    "text/event-stream;charset=utf-8",
                    response.headers()
                            .firstValue("content-type")
                            .orElseThrow()
                            .replace(" ", "")
                            .toLowerCase(java.util.Locale.ROOT));
            assertEquals(
                    "no-store, no-transform",
                    response.headers().firstValue("cache-control").orElseThrow());
            assertEquals(
                    "no", response.headers().firstValue("x-accel-buffering").orElseThrow());
            String padding = client.rawStream().get(0);
            assertTrue(padding.startsWith(":") && padding.length() >= 2000, "padding comment first");
        }
    }

    @Test
    void sseToAnHttp10RequestIsNotChunkedAndEndsByClosing() throws Exception {
        String token = TestSocket.token(TestSocket.render(page));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", page.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("GET /p?pagewire=" + token + "&transport=sse HTTP/1.0\r\n" + "Host: " + page.getAuthority()
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            List<String> head = new java.util.ArrayList<>();
            for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                head.add(line.toLowerCase(java.util.Locale.ROOT));
            }
            // Netty answers in HTTP/1.0, the containers in HTTP/1.1 (RFC 9110 §6.2 allows both);
            // either way no chunks, and the end of the stream is the end of the connection.
            assertTrue(head.get(0).strip().matches("http/1\\.[01] 200( ok)?"), head.get(0)); // Tomcat sends no reason
            assertTrue(head.stream().noneMatch(h -> h.startsWith("transfer-encoding")), head.toString());
            assertTrue(head.stream().noneMatch(h -> h.equals("connection: keep-alive")), head.toString());
            assertTrue(in.readLine().startsWith(":"), "the padding comes raw, not as a chunk");
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("data: [\"hello\""));
            assertTrue(line != null && line.startsWith("data: [\"hello\""), "hello arrives raw");
        }
    }

    @Test
    void longPollIsHeldUntilAFrameIsQueued() throws Exception {
        try (TestFallback client = TestFallback.openPage(page, "longpolling")) {
            Page p = pages.take();
            client.next();
            client.next();
            // The poll loop is now waiting on the server; an emit answers it.
            p.emit("late", "x");
            assertEquals("[\"ev\",\"late\",\"x\",1]", client.nextEvent());
        }
    }

    @Test
    void heldPollIsAnsweredEmptyAfterPollTimeoutAndANewerPollReplacesIt() throws Exception {
        try (TestFallback client = TestFallback.openPage(page, "longpolling")) {
            client.next();
            client.next();
            String conn = client.conn();
            long started = System.nanoTime();
            HttpResponse<String> poll = TestFallback.HTTP.send(
                    HttpRequest.newBuilder(TestFallback.channel(page, client.token, "conn=" + conn))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            // Either the client's own poll took over (answering ours empty), or ours timed out empty.
            assertEquals(200, poll.statusCode());
            assertEquals("", poll.body());
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "longpolling"})
    void badTokenIsRefusedWithACloseFrameOnly(String transport) throws Exception {
        String token = TestSocket.token(TestSocket.render(page));
        String tampered = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
        try (TestFallback client = TestFallback.open(page, tampered, transport)) {
            assertEquals("[\"close\",4401,\"invalid page token\"]", client.next());
            client.ended.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(client.lines.isEmpty());
        }
    }

    @Test
    void pollOrPostForAnUnknownConnectionOrAnotherPagesTokenIs410() throws Exception {
        try (TestFallback a = TestFallback.openPage(page, "longpolling");
                TestFallback b = TestFallback.openPage(page, "longpolling")) {
            HttpResponse<String> unknown = TestFallback.HTTP.send(
                    HttpRequest.newBuilder(TestFallback.channel(page, a.token, "conn=nope"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(410, unknown.statusCode());
            HttpResponse<String> foreign = TestFallback.HTTP.send(
                    HttpRequest.newBuilder(TestFallback.channel(page, b.token, "conn=" + a.conn()))
                            .POST(HttpRequest.BodyPublishers.ofString("[\"ev\",\"count\"]"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(410, foreign.statusCode());
            assertEquals(
                    "the page token does not match the connection",
                    foreign.body().strip());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "longpolling"})
    void malformedFrameIs400AndClosesOnlyThatConnectionWith4400(String transport) throws Exception {
        try (TestFallback bad = TestFallback.openPage(page, transport);
                TestFallback good = TestFallback.openPage(page, transport)) {
            HttpResponse<String> response = bad.post("[not json");
            assertEquals(400, response.statusCode());
            assertTrue(response.body().startsWith("malformed JSON"), response.body());
            String close;
            do {
                close = bad.next();
            } while (!close.startsWith("[\"close\""));
            assertTrue(close.startsWith("[\"close\",4400,\"malformed JSON"), close);
            assertEquals(409, bad.post("[\"ev\",\"count\"]").statusCode(), "closed by the server");
            assertEquals(204, good.post("[\"ev\",\"count\"]").statusCode());
            assertEquals("[\"ev\",\"counted\",1,1]", good.nextEvent());
        }
    }

    @Test
    void oversizedFrameIs413AndClosesWith1009() throws Exception {
        try (TestFallback client = TestFallback.openPage(page, "sse")) {
            HttpResponse<String> response = client.post("[\"ev\",\"echo\",\"" + "x".repeat(5000) + "\"]");
            assertEquals(413, response.statusCode());
            String close;
            do {
                close = client.next();
            } while (!close.startsWith("[\"close\""));
            assertEquals("[\"close\",1009,\"message too big\"]", close);
        }
    }

    @Test
    void invalidUtf8PostIs400AndClosesWith1007() throws Exception {
        try (TestFallback client = TestFallback.openPage(page, "sse")) {
            client.conn();
            HttpResponse<String> response = TestFallback.HTTP.send(
                    HttpRequest.newBuilder(TestFallback.channel(page, client.token, "conn=" + client.conn()))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'[', (byte) 0xC3, '"'}))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, response.statusCode());
            String close;
            do {
                close = client.next();
            } while (!close.startsWith("[\"close\""));
            assertTrue(close.startsWith("[\"close\",1007,"), close);
        }
    }

    @Test
    void foreignOriginPostIsRefusedWith403AndAllowListedOriginGetsCors() throws Exception {
        try (TestFallback client = TestFallback.openPage(page, "sse")) {
            assertEquals(
                    403,
                    client.postFrom("https://evil.example", "[\"ev\",\"count\"]")
                            .statusCode());
            HttpResponse<String> allowed = client.postFrom("https://friend.example", "[\"ev\",\"count\"]");
            assertEquals(204, allowed.statusCode());
            assertEquals(
                    "https://friend.example",
                    allowed.headers().firstValue("access-control-allow-origin").orElseThrow());
            assertEquals("[\"ev\",\"counted\",1,1]", client.nextEvent());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "longpolling"})
    void aWebSocketOfTheSamePageReplacesTheFallbackAfterItsLastFrames(String transport) throws Exception {
        try (TestFallback fallback = TestFallback.openPage(page, transport)) {
            Page p = pages.take();
            fallback.next();
            fallback.next();
            p.emit("before", 1);
            try (TestSocket socket = TestSocket.open(TestSocket.channelUri(page, fallback.token), null)) {
                assertTrue(socket.nextText().startsWith("[\"hello\""));
                assertEquals("[\"ev\",\"before\",1,1]", fallback.nextEvent());
                assertEquals("[\"close\",4409,\"replaced by a newer connection\"]", fallback.nextEvent());
                // Opened without an ack, the WebSocket gets the unacknowledged frame again, with its
                // number: a client that read it on the fallback drops it as a duplicate (§10.3).
                assertEquals("[\"ev\",\"before\",1,1]", socket.nextText());
                p.emit("after", 2);
                assertEquals("[\"ev\",\"after\",2,2]", socket.nextText());
                assertEquals("websocket", p.transport());
            }
        }
    }

    @Test
    void byeInAPostClosesThePage() throws Exception {
        try (TestFallback client = TestFallback.openPage(page, "longpolling")) {
            Page p = pages.take();
            assertEquals(204, client.post("[\"bye\"]").statusCode());
            Wait.await(Duration.ofSeconds(5), "page closed after bye", () -> p.isClosed() && app.pageCount() == 0);
        }
    }

    @Test
    void aByeThatArrivesAfterTheStreamEndedStillClosesThePage() throws Exception {
        TestFallback client = TestFallback.openPage(page, "sse");
        Page p = pages.take();
        String conn = client.conn();
        client.close(); // the tab aborts its stream first; its beacon comes after
        // Netty notices the closed socket at once; a Servlet container only when a write to it fails
        // (docs/SERVERS.md): the page keeps sending, as a live page would, until the server notices.
        Wait.await(Duration.ofSeconds(10), "the stream to end on the server", () -> {
            p.emit("poke", 1);
            return !p.isConnected();
        });
        HttpResponse<String> bye = TestFallback.HTTP.send(
                HttpRequest.newBuilder(TestFallback.channel(page, client.token, "conn=" + conn))
                        .POST(HttpRequest.BodyPublishers.ofString("[\"bye\"]"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, bye.statusCode());
        Wait.await(Duration.ofSeconds(5), "page closed by the late bye", () -> p.isClosed() && app.pageCount() == 0);
    }

    @Test
    void heartbeatsFlowOnTheStreamAndPongsKeepThePageAlivePastItsIdleTimeout() throws Exception {
        stop();
        app = Pagewire.create(s -> s.heartbeatInterval(Duration.ofMillis(200)).idleTimeout(Duration.ofMillis(700)));
        app.page("/p", (request, page) -> {
            pages.add(page);
            return "<p>p</p>";
        });
        server = kind.start(app);
        page = server.uri().resolve("/p");
        try (TestFallback client = TestFallback.openPage(page, "sse")) {
            Page p = pages.take();
            long until = System.nanoTime() + Duration.ofMillis(2000).toNanos();
            int pings = 0;
            while (System.nanoTime() < until) {
                if (client.next().equals("[\"ping\"]")) {
                    pings++;
                    assertEquals(204, client.post("[\"pong\"]").statusCode());
                }
            }
            assertTrue(pings >= 3, "pings: " + pings);
            assertTrue(p.isConnected(), "alive past several idle timeouts");
        }
    }

    @Test
    void webSocketSwitchedOffRefusesUpgradesWith403AndFallbacksStillWork() throws Exception {
        stop();
        start(Servers.Options.defaults().withWebSocket(false));
        String token = TestSocket.token(TestSocket.render(page));
        pages.take();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> TestSocket.open(TestSocket.channelUri(page, token), null));
        assertEquals(
                403, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
        try (TestFallback client = TestFallback.open(page, token, "sse")) {
            assertEquals(204, client.post("[\"ev\",\"count\"]").statusCode());
            assertEquals("[\"ev\",\"counted\",1,1]", client.nextEvent());
        }
    }

    private static byte[] reverse(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }
}
