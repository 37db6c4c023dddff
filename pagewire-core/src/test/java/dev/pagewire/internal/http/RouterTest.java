package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Settings;
import dev.pagewire.internal.App;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.testing.FakeConnection;
import dev.pagewire.testing.FakeExchange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol as every server adapter meets it: which route each request takes, the one Origin
 * check in front of every channel request, and what each route answers, all through fake exchanges.
 */
class RouterTest {

    private static final Pattern TOKEN = Pattern.compile("data-pagewire-token=\"([^\"]+)\"");
    private static final Pattern CONN = Pattern.compile("\\[\"open\",\"([^\"]+)\"\\]");

    private App app;

    private App start(Consumer<Settings.Builder> config) {
        Settings.Builder builder = Settings.builder().pollTimeout(Duration.ofMillis(300));
        config.accept(builder);
        app = new App(builder.build());
        app.page("/chat", (request, page) -> {
            page.on("say", e -> page.emit("said", e.data()));
            return "<html><head></head><body>chat</body></html>";
        });
        app.endpoint("/stats", channel -> {});
        return app;
    }

    private App start() {
        return start(s -> {});
    }

    @AfterEach
    void close() {
        if (app != null) {
            app.close();
        }
    }

    private FakeExchange handled(FakeExchange exchange) {
        assertTrue(app.handle(exchange), exchange.method() + " " + exchange.target() + " is Pagewire's");
        return exchange;
    }

    private String render() {
        HttpResponse page = handled(FakeExchange.get("/chat")).response();
        assertEquals(200, page.status());
        Matcher m = TOKEN.matcher(page.bodyText());
        assertTrue(m.find(), page.bodyText());
        return m.group(1);
    }

    // ---- classification

    @Test
    void eachKindOfRequestTakesItsRoute() {
        start();
        Router router = app.router();
        assertEquals("client file", router.routeOf(FakeExchange.get("/_pagewire/client.js")));
        assertEquals("websocket", router.routeOf(FakeExchange.upgrade("/chat?pagewire=t")));
        assertEquals("websocket", router.routeOf(FakeExchange.upgrade("/stats")));
        assertEquals("preflight", router.routeOf(FakeExchange.request("OPTIONS", "/stats")));
        assertEquals("fallback", router.routeOf(FakeExchange.get("/chat?pagewire=t&transport=sse")));
        assertEquals("fallback", router.routeOf(FakeExchange.post("/chat?pagewire=t&conn=c", "")));
        assertEquals("endpoint", router.routeOf(FakeExchange.post("/stats", "{}")));
        assertEquals("page", router.routeOf(FakeExchange.get("/chat")));
        assertNull(router.routeOf(FakeExchange.get("/elsewhere")));
        assertNull(router.routeOf(FakeExchange.upgrade("/elsewhere")), "another app's WebSocket is not ours");
    }

    @Test
    void aRequestThatIsNotPagewiresIsLeftUntouched() {
        start();
        FakeExchange other = FakeExchange.get("/elsewhere");
        assertFalse(app.claims(other));
        assertTrue(app.claims(FakeExchange.get("/chat")));
        assertFalse(app.claims(FakeExchange.get("/chat%zz")), "a target Pagewire cannot read is the application's");
        assertFalse(app.handle(other));
        assertFalse(other.answered(Duration.ofMillis(50)));
    }

    @Test
    void aChannelRequestElsewhereIsOursWhenItCarriesAPageToken() {
        start();
        String chatToken = render();
        assertNull(
                app.router().routeOf(FakeExchange.get("/app/view?pagewire=forged&transport=sse")),
                "a pagewire parameter that is no token is the application's");
        assertNull(app.router().routeOf(FakeExchange.upgrade("/app/view")), "other WebSockets are the application's");
        assertEquals("websocket", app.router().routeOf(FakeExchange.upgrade("/app/view?pagewire=" + chatToken)));
        assertEquals(
                "fallback", app.router().routeOf(FakeExchange.post("/app/view?pagewire=" + chatToken + "&conn=c", "")));
    }

    @Test
    void aTokenAtAPathItWasNotIssuedForIsRefusedWith4401SoThePageReloads() {
        start();
        String chatToken = render();
        FakeExchange ws = handled(FakeExchange.upgrade("/app/view?pagewire=" + chatToken));
        FakeConnection connection = new FakeConnection("websocket");
        ws.openWebSocket(connection);
        assertEquals(new FakeConnection.Close(CloseCodes.BAD_TOKEN, "invalid page token"), connection.awaitClose());
    }

    @Test
    void aPageYourOwnCodeRenderedHasItsChannelAtItsOwnPath() {
        start();
        dev.pagewire.Page page = app.newPage("/orders/42");
        page.on("say", e -> page.emit("said", e.data()));
        Matcher m = TOKEN.matcher(app.clientScript(page));
        assertTrue(m.find());
        String token = m.group(1);
        assertEquals("websocket", app.router().routeOf(FakeExchange.upgrade("/orders/42?pagewire=" + token)));
        FakeConnection elsewhere = new FakeConnection("websocket");
        handled(FakeExchange.upgrade("/orders/43?pagewire=" + token)).openWebSocket(elsewhere);
        assertEquals(
                new FakeConnection.Close(CloseCodes.BAD_TOKEN, "invalid page token"),
                elsewhere.awaitClose(),
                "a token names the path it was issued for");
        FakeConnection connection = new FakeConnection("websocket");
        handled(FakeExchange.upgrade("/orders/42?pagewire=" + token)).openWebSocket(connection);
        assertTrue(connection.nextText().startsWith("[\"hello\""));
        assertTrue(app.clientScript(page, "/shop")
                .contains("src=\"/shop/_pagewire/" + app.clientFiles().entry() + "\""));
    }

    @Test
    void aMalformedTargetIsA400() {
        start();
        assertEquals(400, handled(FakeExchange.get("/chat%zz")).response().status());
    }

    // ---- the one Origin check

    @Test
    void aForeignOriginIsRefusedOnEveryChannelRouteWithoutCors() {
        start();
        String token = render();
        for (FakeExchange exchange : new FakeExchange[] {
            FakeExchange.upgrade("/chat?pagewire=" + token),
            FakeExchange.get("/chat?pagewire=" + token + "&transport=sse"),
            FakeExchange.get("/chat?pagewire=" + token + "&transport=longpolling"),
            FakeExchange.post("/chat?pagewire=" + token + "&conn=x", "[\"ping\"]"),
            FakeExchange.post("/stats", "{}"),
            FakeExchange.request("OPTIONS", "/stats")
        }) {
            exchange.header("Origin", "https://evil.example");
            HttpResponse response = handled(exchange).response();
            assertEquals(403, response.status(), exchange.target());
            assertEquals("origin not allowed: https://evil.example", response.reason());
            assertNull(response.headers().get("Access-Control-Allow-Origin"));
            assertEquals("origin", response.headers().get("Pagewire-Refused"), "the client stops on this refusal");
            assertFalse(exchange.upgraded());
        }
    }

    @Test
    void theSameOriginAsTheHostIsAllowed() {
        start();
        String token = render();
        FakeExchange ws = FakeExchange.upgrade("/chat?pagewire=" + token).header("Origin", "http://app.example");
        handled(ws);
        assertTrue(ws.upgraded());
    }

    @Test
    void anAllowedCrossOriginGetsCorsHeadersNamingIt() {
        start(s -> s.allowOrigins("https://friend.example").allowCredentials(true));
        FakeExchange preflight = FakeExchange.request("OPTIONS", "/stats").header("Origin", "https://friend.example");
        HttpResponse response = handled(preflight).response();
        assertEquals(204, response.status());
        assertEquals("https://friend.example", response.headers().get("Access-Control-Allow-Origin"));
        assertEquals("true", response.headers().get("Access-Control-Allow-Credentials"));
        assertEquals("Origin", response.headers().get("Vary"));

        FakeExchange open = FakeExchange.post("/stats", "{\"params\":{}}").header("Origin", "https://friend.example");
        HttpResponse opened = handled(open).response();
        assertEquals(200, opened.status(), opened.bodyText());
        assertTrue(opened.bodyText().contains("\"token\":\"v1."), opened.bodyText());
        assertEquals("https://friend.example", opened.headers().get("Access-Control-Allow-Origin"));
    }

    @Test
    void anEndpointOpenWhoseBodyIsNotUtf8IsRefused() {
        start();
        // EndpointOpensFuzzTest found such bodies opened: decoded leniently, C3 22 became U+FFFD and
        // a quote, and the endpoint saw params the client never sent.
        byte[] body = {'{', '"', 'p', 'a', 'r', 'a', 'm', 's', '"', ':', '"', (byte) 0xC3, '"', '}'};
        HttpResponse refused =
                handled(FakeExchange.post("/stats", "").body(body)).response();
        assertEquals(400, refused.status(), refused.bodyText());
        assertTrue(refused.bodyText().contains("UTF-8"), refused.bodyText());
        assertEquals("no-store", refused.headers().get("Cache-Control"));
    }

    @Test
    void aPreflightWithoutAnOriginIsRefused() {
        start();
        assertEquals(
                403,
                handled(FakeExchange.request("OPTIONS", "/stats")).response().status());
    }

    // ---- documents

    @Test
    void clientFilesAreServedByNameOnly() {
        start();
        HttpResponse js = handled(FakeExchange.get("/_pagewire/client.js")).response();
        assertEquals(200, js.status());
        assertEquals("text/javascript; charset=utf-8", js.headers().get("Content-Type"));
        assertTrue(js.bodyText().contains("data-pagewire-token"));
        assertEquals(
                200,
                handled(FakeExchange.get("/_pagewire/client.d.ts")).response().status());
        assertEquals(
                404,
                handled(FakeExchange.get("/_pagewire/..%2F..%2Fpom.xml"))
                        .response()
                        .status());
        assertEquals(
                404,
                handled(FakeExchange.get("/_pagewire/Mailbox.class")).response().status());
        assertEquals(
                404,
                handled(FakeExchange.post("/_pagewire/client.js", ""))
                        .response()
                        .status());
    }

    @Test
    void aPageRouteRendersOnGetOnly() {
        start();
        String token = render();
        assertTrue(token.startsWith("v1."));
        HttpResponse post = handled(FakeExchange.post("/chat", "x")).response();
        assertEquals(405, post.status());
    }

    @Test
    void anEndpointHasNoPageToGet() {
        start();
        assertEquals(405, handled(FakeExchange.get("/stats")).response().status());
    }

    @Test
    void staticFilesAreServedAndMissingOnesAreNotOurs(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("app.css"), "body{}");
        start();
        app.staticFiles("/assets", dir);
        HttpResponse css = handled(FakeExchange.get("/assets/app.css")).response();
        assertEquals("body{}", css.bodyText());
        assertEquals("text/css; charset=utf-8", css.headers().get("Content-Type"));
        assertFalse(app.handle(FakeExchange.get("/assets/missing.css")));
        assertFalse(app.handle(FakeExchange.get("/assets/%2E%2E/secret")));
    }

    // ---- WebSocket

    @Test
    void aWebSocketWithABadTokenIsClosedAfterTheHandshakeWithTheReason() {
        start();
        FakeExchange ws = handled(FakeExchange.upgrade("/chat?pagewire=forged"));
        FakeConnection connection = new FakeConnection("websocket");
        ws.openWebSocket(connection);
        assertEquals(new FakeConnection.Close(CloseCodes.BAD_TOKEN, "invalid page token"), connection.awaitClose());
    }

    @Test
    void aWebSocketWithItsPagesTokenGetsHello() {
        start();
        String token = render();
        FakeConnection connection = new FakeConnection("websocket");
        handled(FakeExchange.upgrade("/chat?pagewire=" + token)).openWebSocket(connection);
        assertTrue(connection.nextText().startsWith("[\"hello\""));
    }

    // ---- fallbacks

    @Test
    void anSseStreamStartsWithPaddingOpenAndHello() {
        start();
        String token = render();
        FakeExchange.Stream sse = handled(FakeExchange.get("/chat?pagewire=" + token + "&transport=sse")).stream();
        assertEquals(200, sse.status());
        assertEquals("text/event-stream; charset=utf-8", sse.headers().get("Content-Type"));
        assertEquals("no", sse.headers().get("X-Accel-Buffering"));
        String text = sse.text();
        assertTrue(text.startsWith(":"), "padding first");
        int open = text.indexOf("data: [\"open\",\"");
        int hello = text.indexOf("data: [\"hello\"");
        assertTrue(open > 0 && hello > open, text);
    }

    @Test
    void aRefusedSseStreamCarriesOnlyTheCloseFrame() {
        start();
        FakeExchange.Stream sse = handled(FakeExchange.get("/chat?pagewire=forged&transport=sse")).stream();
        sse.awaitEnd();
        assertEquals("data: [\"close\",4401,\"invalid page token\"]\n\n", sse.text());
    }

    @Test
    void longPollingDeliversWhatThePageSendsAndHoldsPollsUntilThen() {
        start();
        String token = render();
        String base = "/chat?pagewire=" + token;
        HttpResponse opened =
                handled(FakeExchange.get(base + "&transport=longpolling")).response();
        Matcher m = CONN.matcher(opened.bodyText());
        assertTrue(m.find(), opened.bodyText());
        String conn = m.group(1);
        assertTrue(opened.bodyText().contains("[\"hello\""), opened.bodyText());

        FakeExchange held = handled(FakeExchange.get(base + "&conn=" + conn));
        assertFalse(held.answered(Duration.ofMillis(50)), "nothing to deliver: the poll is held");
        HttpResponse sent = handled(FakeExchange.post(base + "&conn=" + conn, "[\"ev\",\"say\",\"hi\",1]"))
                .response();
        assertEquals(204, sent.status());
        assertTrue(
                held.response().bodyText().contains("[\"ev\",\"said\",\"hi\""),
                held.response().bodyText());

        HttpResponse empty = handled(FakeExchange.get(base + "&conn=" + conn)).response();
        assertEquals(200, empty.status(), "answered empty after pollTimeout");
        assertEquals("", empty.bodyText());
    }

    @Test
    void anAbortedPollLeavesItsFramesForTheNext() {
        start();
        String token = render();
        String base = "/chat?pagewire=" + token;
        Matcher m = CONN.matcher(handled(FakeExchange.get(base + "&transport=longpolling"))
                .response()
                .bodyText());
        assertTrue(m.find());
        String conn = m.group(1);
        FakeExchange aborted = handled(FakeExchange.get(base + "&conn=" + conn));
        aborted.abort();
        handled(FakeExchange.post(base + "&conn=" + conn, "[\"ev\",\"say\",\"again\",1]"))
                .response();
        assertTrue(handled(FakeExchange.get(base + "&conn=" + conn))
                .response()
                .bodyText()
                .contains("again"));
        assertFalse(aborted.responded());
    }

    @Test
    void fallbackPostsMapTheirOutcomeToAStatus() {
        start();
        String token = render();
        String base = "/chat?pagewire=" + token;
        assertEquals(
                400, handled(FakeExchange.post(base, "[\"ping\"]")).response().status(), "no conn");
        assertEquals(
                410,
                handled(FakeExchange.post(base + "&conn=unknown", "[\"ping\"]"))
                        .response()
                        .status());
        Matcher m = CONN.matcher(handled(FakeExchange.get(base + "&transport=longpolling"))
                .response()
                .bodyText());
        assertTrue(m.find());
        String conn = m.group(1);
        String other = render();
        assertEquals(
                410,
                handled(FakeExchange.post("/chat?pagewire=" + other + "&conn=" + conn, "[\"ping\"]"))
                        .response()
                        .status(),
                "another page's token never reaches this connection");
        HttpResponse bad =
                handled(FakeExchange.post(base + "&conn=" + conn, "not json")).response();
        assertEquals(400, bad.status());
        assertEquals(
                409,
                handled(FakeExchange.post(base + "&conn=" + conn, "[\"ping\"]"))
                        .response()
                        .status(),
                "the server closed the connection with 4400: its close frame is on the down channel");
    }

    @Test
    void aPostRacingTheCloseFrameOfAnEndedSseStreamIsToldToReadIt() {
        start();
        String token = render();
        String base = "/chat?pagewire=" + token;
        FakeExchange open = handled(FakeExchange.get(base + "&transport=sse"));
        Matcher m = CONN.matcher(open.stream().text());
        assertTrue(m.find(), open.stream().text());
        String conn = m.group(1);
        String pageId = app.pageIdOf("/chat", token);
        app.page(pageId).close();
        open.stream().awaitEnd();
        assertTrue(
                open.stream().text().contains("[\"close\",4000,"), open.stream().text());
        HttpResponse late = handled(FakeExchange.post(base + "&conn=" + conn, "[\"ev\",\"say\",\"x\",1]"))
                .response();
        assertEquals(409, late.status(), "a 410 would be taken for a lost connection, hiding the 4000");
    }

    @Test
    void aPostRacingTheCloseFrameOfALongPollingConnectionIsToldToReadIt() {
        start();
        String token = render();
        String base = "/chat?pagewire=" + token;
        Matcher m = CONN.matcher(handled(FakeExchange.get(base + "&transport=longpolling"))
                .response()
                .bodyText());
        assertTrue(m.find());
        String conn = m.group(1);
        app.page(app.pageIdOf("/chat", token)).close();
        assertTrue(handled(FakeExchange.get(base + "&conn=" + conn))
                .response()
                .bodyText()
                .contains("[\"close\",4000,"));
        HttpResponse late = handled(FakeExchange.post(base + "&conn=" + conn, "[\"ev\",\"say\",\"x\",1]"))
                .response();
        assertEquals(409, late.status(), "the close frame was delivered, but the POST may overtake it");
    }

    @Test
    void aPostToAnSseStreamThatEndedByItselfIsGone() {
        start();
        String token = render();
        String base = "/chat?pagewire=" + token;
        FakeExchange open = handled(FakeExchange.get(base + "&transport=sse"));
        Matcher m = CONN.matcher(open.stream().text());
        assertTrue(m.find());
        open.stream().clientGone();
        assertEquals(
                410,
                handled(FakeExchange.post(base + "&conn=" + m.group(1), "[\"ping\"]"))
                        .response()
                        .status(),
                "the client's own stream ended: it knows the connection is lost");
    }

    @Test
    void aByeAfterTheStreamEndedStillClosesThePage() {
        start();
        String token = render();
        String base = "/chat?pagewire=" + token;
        int pages = app.pageCount();
        HttpResponse bye =
                handled(FakeExchange.post(base + "&conn=gone", "[\"bye\"]")).response();
        assertEquals(204, bye.status());
        assertEquals(pages - 1, app.pageCount());
    }

    @Test
    void anOversizedFrameInAPostIsA413() {
        start(s -> s.maxMessageBytes(16));
        String token = render();
        String base = "/chat?pagewire=" + token;
        Matcher m = CONN.matcher(handled(FakeExchange.get(base + "&transport=longpolling"))
                .response()
                .bodyText());
        assertTrue(m.find());
        HttpResponse tooBig = handled(FakeExchange.post(
                        base + "&conn=" + m.group(1), "[\"ev\",\"say\",\"" + "x".repeat(40) + "\",1]"))
                .response();
        assertEquals(413, tooBig.status());
    }
}
