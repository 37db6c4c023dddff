package dev.pagewire.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Settings;
import dev.pagewire.internal.App;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.Session;
import dev.pagewire.testing.FakeConnection;
import dev.pagewire.testing.FakeExchange;
import dev.pagewire.testing.TestCluster;
import dev.pagewire.testing.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A page's channel requests that land on a node that does not own the page reach the page on its
 * owner, through the relay, on every transport; and what happens to them when the link between the
 * nodes fails or the owner is gone (docs/CLUSTER.md).
 */
class RelayTest {

    private static final Pattern TOKEN = Pattern.compile("data-pagewire-token=\"([^\"]+)\"");
    private static final Pattern CONN = Pattern.compile("\\[\"open\",\"([^\"]+)\"\\]");

    private TestCluster cluster;
    private App a;
    private App b;
    private App c;

    @BeforeEach
    void start() {
        cluster = new TestCluster();
        a = node();
        b = node();
        c = node();
    }

    private App node() {
        App app = new App(Settings.builder().pollTimeout(Duration.ofMillis(500)).build(), cluster.newNode());
        app.page("/chat", (request, page) -> {
            page.on("say", e -> page.emit("said", e.data()));
            page.join("room");
            return "<html><head></head><body>chat</body></html>";
        });
        return app;
    }

    @AfterEach
    void stop() {
        for (App app : new App[] {a, b, c}) {
            if (app != null) {
                app.close();
            }
        }
        cluster.close();
    }

    private static FakeExchange handled(App node, FakeExchange exchange) {
        assertTrue(node.handle(exchange), exchange.target());
        return exchange;
    }

    /** Renders /chat on {@code node}; its token. */
    private static String render(App node) {
        HttpResponse page = handled(node, FakeExchange.get("/chat")).response();
        Matcher m = TOKEN.matcher(page.bodyText());
        assertTrue(m.find(), page.bodyText());
        return m.group(1);
    }

    private static void awaitText(FakeConnection connection, String part) {
        Wait.await(
                "a frame with " + part + " in " + connection.sentTexts(),
                () -> connection.sentTexts().stream().anyMatch(t -> t.contains(part)));
    }

    private Session webSocket(App edge, String token, FakeConnection connection) {
        FakeExchange upgrade = handled(edge, FakeExchange.upgrade("/chat?pagewire=" + token));
        return upgrade.openWebSocket(connection);
    }

    @Test
    void pageIdsNameTheirOwner() {
        String token = render(a);
        assertEquals(a.node(), a.ownerOf(a.pageIdOf("/chat", token)));
        assertEquals(a.node(), b.ownerOf(b.pageIdOf("/chat", token)), "every node reads it alike");
        assertTrue(a.node() != b.node());
    }

    @Test
    void aWebSocketOnAnotherNodeReachesThePageOnItsOwner() {
        String token = render(a);
        FakeConnection ws = new FakeConnection("websocket");
        Session session = webSocket(b, token, ws);
        assertTrue(ws.nextText().startsWith("[\"hello\""));
        session.text("[\"ev\",\"say\",\"hi\",1]");
        awaitText(ws, "[\"ev\",\"said\",\"hi\"");
        var page = a.page(a.pageIdOf("/chat", token));
        assertTrue(page.isConnected());
        assertEquals("websocket", page.transport());
        assertEquals(1, b.relay().tunnels());
        assertEquals(1, a.relay().tunnels());

        page.emit("tick", 1);
        awaitText(ws, "[\"ev\",\"tick\",1");
        session.closed(); // the browser went away at the edge
        Wait.await("the page to hear its connection ended", () -> !page.isConnected());
        Wait.await(
                "both ends of the tunnel to be gone",
                () -> a.relay().tunnels() + b.relay().tunnels() == 0);
    }

    @Test
    void aBroadcastToPagesRelayedByOtherNodesCostsOneMessagePerNodeAndKeepsEachPagesOrder() {
        int pages = 40;
        List<FakeConnection> sockets = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            String token = render(a);
            FakeConnection ws = new FakeConnection("websocket");
            webSocket(i % 2 == 0 ? b : c, token, ws);
            assertTrue(ws.nextText().startsWith("[\"hello\""));
            sockets.add(ws);
            ids.add(a.pageIdOf("/chat", token));
        }
        cluster.settle();
        long before = cluster.messagesSent();
        for (int n = 1; n <= 5; n++) {
            a.topic("room").emit("news", n);
        }
        cluster.settle();
        long sent = cluster.messagesSent() - before;
        assertTrue(sent <= 5 * 2, "5 broadcasts to " + pages + " pages on 2 other nodes took " + sent + " messages");

        // The pages' own frames, sent from another thread while broadcasts are batched, keep their
        // place: every page receives its frames numbered 1, 2, 3… with none missing.
        for (int n = 6; n <= 10; n++) {
            a.topic("room").emit("news", n);
            for (String id : ids) {
                a.page(id).emit("own", n);
            }
        }
        for (FakeConnection ws : sockets) {
            Wait.await("15 frames in " + ws.sentTexts(), () -> data(ws).size() == 15);
            List<Matcher> frames = data(ws);
            for (int i = 0; i < frames.size(); i++) {
                assertEquals(
                        i + 1,
                        Long.parseLong(frames.get(i).group(3)),
                        ws.sentTexts().toString());
            }
            assertEquals(
                    List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"),
                    frames.stream()
                            .filter(m -> m.group(1).equals("news"))
                            .map(m -> m.group(2))
                            .toList());
        }
    }

    private static final Pattern DATA = Pattern.compile("^\\[\"ev\",\"(news|own)\",(\\d+),(\\d+)");

    /** The data frames {@code ws} received: event, data, sequence number. */
    private static List<Matcher> data(FakeConnection ws) {
        return ws.sentTexts().stream().map(DATA::matcher).filter(Matcher::find).toList();
    }

    @Test
    void aPageIsAddressedByItsIdFromAnyNode() throws Exception {
        String token = render(a);
        String id = a.pageIdOf("/chat", token);
        FakeConnection ws = new FakeConnection("websocket");
        Session session = webSocket(b, token, ws);
        assertTrue(ws.nextText().startsWith("[\"hello\""));

        c.pageById(id).emit("news", java.util.Map.of("from", "a background job on another node"));
        awaitText(ws, "[\"ev\",\"news\",{\"from\":\"a background job on another node\"}");

        var reply = c.pageById(id).call("ask", 21);
        awaitText(ws, "[\"call\",1,\"ask\",21");
        session.text("[\"res\",1,true,42,1]");
        assertEquals(42, reply.get(10, java.util.concurrent.TimeUnit.SECONDS).asInt());

        var failed = c.pageById("AAAAAAAAAAAAAAAAAAAAAA").call("ask", 1);
        var error = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class,
                () -> failed.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("closed", ((dev.pagewire.CallException) error.getCause()).code());

        c.pageById(id).close();
        assertEquals(CloseCodes.PAGE_CLOSED, ws.awaitClose().code());
    }

    @Test
    void aCallToAPageOnANodeThatDiesFailsClosed() throws Exception {
        String token = render(a);
        String id = a.pageIdOf("/chat", token);
        FakeConnection ws = new FakeConnection("websocket");
        webSocket(b, token, ws);
        assertTrue(ws.nextText().startsWith("[\"hello\""));
        var reply = c.pageById(id).call("ask", 1);
        awaitText(ws, "[\"call\",1,\"ask\"");
        cluster.kill(a.node());
        var error = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class,
                () -> reply.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("closed", ((dev.pagewire.CallException) error.getCause()).code());
    }

    @Test
    void theOwnerClosingThePageClosesTheWebSocketAtTheEdgeWithItsCode() {
        String token = render(a);
        FakeConnection ws = new FakeConnection("websocket");
        webSocket(b, token, ws);
        assertTrue(ws.nextText().startsWith("[\"hello\""));
        a.page(a.pageIdOf("/chat", token)).close();
        assertEquals(CloseCodes.PAGE_CLOSED, ws.awaitClose().code());
    }

    @Test
    void sseOnOneNodeAndPostsOnAnotherReachThePage() {
        String token = render(a);
        String base = "/chat?pagewire=" + token;
        FakeExchange sse = handled(b, FakeExchange.get(base + "&transport=sse"));
        FakeExchange.Stream stream = sse.stream();
        Wait.await("the open frame", () -> CONN.matcher(stream.text()).find());
        Matcher m = CONN.matcher(stream.text());
        assertTrue(m.find());
        String conn = m.group(1);
        assertEquals("text/event-stream; charset=utf-8", stream.headers().get("Content-Type"));

        FakeExchange post = handled(c, FakeExchange.post(base + "&conn=" + conn, "[\"ev\",\"say\",\"x\",1]"));
        assertEquals(204, post.response().status());
        Wait.await("the reply on the stream", () -> stream.text().contains("[\"ev\",\"said\",\"x\""));

        stream.clientGone();
        var page = a.page(a.pageIdOf("/chat", token));
        Wait.await("the page to hear its stream ended", () -> !page.isConnected());
    }

    @Test
    void longPollingWhereEveryRequestLandsOnAnotherNode() {
        String token = render(a);
        String base = "/chat?pagewire=" + token;
        String opened = handled(b, FakeExchange.get(base + "&transport=longpolling"))
                .response()
                .bodyText();
        Matcher m = CONN.matcher(opened);
        assertTrue(m.find(), opened);
        String conn = m.group(1);
        assertTrue(opened.contains("[\"hello\""), opened);

        App[] nodes = {c, a, b};
        for (int i = 0; i < 6; i++) {
            App pollNode = nodes[i % 3];
            App postNode = nodes[(i + 1) % 3];
            FakeExchange poll = handled(pollNode, FakeExchange.get(base + "&conn=" + conn));
            FakeExchange post = handled(
                    postNode, FakeExchange.post(base + "&conn=" + conn, "[\"ev\",\"say\"," + i + "," + (i + 1) + "]"));
            assertEquals(204, post.response().status());
            String body = poll.response().bodyText();
            if (!body.contains("[\"ev\",\"said\"," + i)) {
                // The poll was answered before the reply (empty, or with an ack): the next one has it.
                body = handled(pollNode, FakeExchange.get(base + "&conn=" + conn))
                        .response()
                        .bodyText();
            }
            assertTrue(
                    body.contains("[\"ev\",\"said\"," + i), "poll " + i + " on node " + pollNode.node() + ": " + body);
        }
    }

    @Test
    void aLostLinkClosesRelayedWebSocketsSoThatTheyReconnectAndResume() {
        String token = render(a);
        FakeConnection ws = new FakeConnection("websocket");
        webSocket(b, token, ws);
        assertTrue(ws.nextText().startsWith("[\"hello\""));
        cluster.cutLink(a.node(), b.node());
        FakeConnection.Close close = ws.awaitClose();
        assertEquals(CloseCodes.GOING_AWAY, close.code(), close.reason());
        var page = a.page(a.pageIdOf("/chat", token));
        Wait.await("the page to wait for a reconnect", () -> !page.isConnected() && !page.isClosed());

        cluster.healLink(a.node(), b.node());
        FakeConnection again = new FakeConnection("websocket");
        webSocket(c, token, again);
        assertTrue(again.nextText().startsWith("[\"hello\""), "resumes through any other node");
    }

    @Test
    void aLostMessageEndsTheTunnelInsteadOfLeavingAGap() {
        String token = render(a);
        FakeConnection ws = new FakeConnection("websocket");
        webSocket(b, token, ws);
        assertTrue(ws.nextText().startsWith("[\"hello\""));
        var page = a.page(a.pageIdOf("/chat", token));
        cluster.dropNext(a.node(), b.node());
        page.emit("lost", 1);
        page.emit("next", 2);
        FakeConnection.Close close = ws.awaitClose();
        assertEquals(CloseCodes.GOING_AWAY, close.code());
        assertTrue(
                ws.sentTexts().stream().noneMatch(t -> t.contains("\"next\"")),
                "nothing past a gap: " + ws.sentTexts());
    }

    @Test
    void whenTheOwnerDiesTheRelayedClientsLearnTheirPageExpired() {
        String token = render(a);
        FakeConnection ws = new FakeConnection("websocket");
        webSocket(b, token, ws);
        assertTrue(ws.nextText().startsWith("[\"hello\""));
        String other = render(a);
        FakeExchange sse = handled(c, FakeExchange.get("/chat?pagewire=" + other + "&transport=sse"));
        Wait.await("the open frame", () -> CONN.matcher(sse.stream().text()).find());

        cluster.kill(a.node());
        assertEquals(CloseCodes.PAGE_GONE, ws.awaitClose().code());
        sse.stream().awaitEnd();
        assertTrue(
                sse.stream().text().contains("data: [\"close\",4404,"),
                sse.stream().text());
        assertEquals(0, b.relay().tunnels() + c.relay().tunnels());
    }

    @Test
    void aPageWhoseNodeIsGoneExpiresWhereverItsBrowserComesBack() {
        String token = render(a);
        cluster.kill(a.node());
        Wait.await("node b to see node a gone", () -> b.relay().ownerElsewhere(b.pageIdOf("/chat", token)) == 0);
        FakeConnection ws = new FakeConnection("websocket");
        webSocket(b, token, ws);
        assertEquals(CloseCodes.PAGE_GONE, ws.awaitClose().code());
        String refused = handled(c, FakeExchange.get("/chat?pagewire=" + token + "&transport=longpolling"))
                .response()
                .bodyText();
        assertTrue(refused.startsWith("[\"close\",4404"), refused);
    }
}
