package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.Protocol;
import dev.pagewire.testing.FakeConnection;
import dev.pagewire.testing.TestRequest;
import dev.pagewire.testing.Wait;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application as a transport sees it: routes, rendering and attaching connections. */
class AppTest {

    private static final String HTML = "<!doctype html><html><head><title>t</title></head><body>b</body></html>";

    private final List<String> closed = new CopyOnWriteArrayList<>();
    private App app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private App start(Settings settings) {
        app = new App(settings);
        app.page("/p", (request, page) -> {
            page.onClose(() -> closed.add(page.id()));
            return HTML;
        });
        app.page("/q", (request, page) -> HTML);
        return app;
    }

    private App start() {
        return start(Settings.defaults());
    }

    // ---- rendering

    @Test
    void renderAnswers200WithTheClientScriptRightAfterHead() {
        start(Settings.builder()
                .connectTimeout(Duration.ofMillis(2500))
                .upgradeAfter(Duration.ofSeconds(7))
                .reloadOnExpired(true)
                .build());
        Rendered rendered = app.render(new TestRequest("/p"));
        assertEquals(200, rendered.status());
        String token = Tab.tokenIn(rendered.html());
        assertEquals(
                "<!doctype html><html><head>"
                        + "<script type=\"module\" src=\"/_pagewire/"
                        + app.clientFiles().entry()
                        + "\" data-pagewire-token=\"" + token
                        + "\" data-pagewire-config='{\"connectTimeout\":2500,\"upgradeAfter\":7000,\"reloadOnExpired\":true}'></script>"
                        + "<title>t</title></head><body>b</body></html>",
                rendered.html());
    }

    @Test
    void renderCreatesALivePageThatIsNotConnectedYet() {
        start();
        Tab tab = Tab.open(app, "/p");
        assertEquals(1, app.pageCount());
        assertEquals("/p", tab.page().path());
        assertTrue(tab.page().id().matches("[A-Za-z0-9_-]{22}"), tab.page().id());
        assertFalse(tab.page().isConnected());
        assertFalse(tab.page().isClosed());
        assertNull(tab.page().transport());
        assertSame(app, tab.page().app());
        assertTrue(tab.token().startsWith("v1." + tab.page().id() + "."), tab.token());
    }

    @Test
    void everyRenderIsANewPage() {
        start();
        Tab one = Tab.open(app, "/p");
        Tab two = Tab.open(app, "/p");
        assertFalse(one.page().id().equals(two.page().id()));
        assertEquals(2, app.pageCount());
    }

    @Test
    void theHandlerSeesTheRequest() {
        app = new App(Settings.defaults());
        List<String> paths = new CopyOnWriteArrayList<>();
        app.page("/r", (request, page) -> {
            paths.add(request.path());
            return "<p>r</p>";
        });
        assertEquals(200, app.render(new TestRequest("/r")).status());
        assertEquals(List.of("/r"), paths);
    }

    @Test
    void renderOfAnUnknownPathIs404AndCreatesNoPage() {
        start();
        assertEquals(404, app.render(new TestRequest("/nope")).status());
        assertEquals(0, app.pageCount());
    }

    @Test
    void handlerExceptionAnswers500AndRemovesThePage() {
        app = new App(Settings.defaults());
        List<Page> pages = new CopyOnWriteArrayList<>();
        app.page("/boom", (request, page) -> {
            pages.add(page);
            page.join("room");
            page.onClose(() -> closed.add(page.id()));
            throw new IllegalStateException("expected by the test: the database is down");
        });
        Rendered rendered = app.render(new TestRequest("/boom"));
        assertEquals(new Rendered(500, "Internal Server Error"), rendered);
        assertEquals(0, app.pageCount());
        assertTrue(pages.get(0).isClosed());
        assertEquals(0, app.topic("room").size(), "the failed page left its topics");
        Wait.await(
                "the close hook of the failed page",
                () -> closed.equals(List.of(pages.get(0).id())));
    }

    @Test
    void handlerReturningNullAnswers500AndRemovesThePage() {
        app = new App(Settings.defaults());
        app.page("/null", (request, page) -> null);
        assertEquals(500, app.render(new TestRequest("/null")).status());
        assertEquals(0, app.pageCount());
    }

    // ---- attaching

    @Test
    void attachWithoutTokenIsRefusedWith4401() {
        start();
        Tab.open(app, "/p");
        assertEquals(
                new Attachment.Refused(CloseCodes.BAD_TOKEN, "missing page token"),
                app.attach("/p", null, null, new FakeConnection()));
        assertEquals(
                new Attachment.Refused(CloseCodes.BAD_TOKEN, "missing page token"),
                app.attach("/p", "", null, new FakeConnection()));
    }

    @Test
    void attachWithAnInvalidTokenIsRefusedWith4401() {
        start();
        Tab tab = Tab.open(app, "/p");
        Attachment.Refused invalid = new Attachment.Refused(CloseCodes.BAD_TOKEN, "invalid page token");
        assertEquals(invalid, app.attach("/p", "garbage", null, new FakeConnection()));
        String token = tab.token();
        char last = token.charAt(token.length() - 1);
        String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertEquals(invalid, app.attach("/p", tampered, null, new FakeConnection()));
        assertFalse(tab.page().isConnected());
    }

    @Test
    void tokenForAnotherPathIsRefusedWith4401() {
        start();
        Tab tab = Tab.open(app, "/p");
        FakeConnection c = new FakeConnection();
        assertEquals(
                new Attachment.Refused(CloseCodes.BAD_TOKEN, "invalid page token"),
                app.attach("/q", tab.token(), null, c));
        assertEquals(List.of(), c.sent(), "nothing is sent on a refused connection");
        assertFalse(c.isClosed(), "the transport closes a refused connection with the code it was given");
    }

    @Test
    void tokenOfAnotherApplicationIsRefusedWith4401() {
        start();
        App other = new App(Settings.defaults());
        try {
            other.page("/p", (request, page) -> HTML);
            String foreign = Tab.tokenIn(other.render(new TestRequest("/p")).html());
            assertEquals(
                    CloseCodes.BAD_TOKEN,
                    assertInstanceOf(Attachment.Refused.class, app.attach("/p", foreign, null, new FakeConnection()))
                            .code());
        } finally {
            other.close();
        }
    }

    @Test
    void genuineTokenOfAnUnknownPageIsRefusedWith4404() {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 3);
        start(Settings.builder().secret(secret).build());
        PageTokens tokens = new PageTokens(secret, Clock.systemUTC());
        String token = tokens.issue(new PageIds().newId(0), "/p");
        assertEquals(
                new Attachment.Refused(CloseCodes.PAGE_GONE, "page expired"),
                app.attach("/p", token, null, new FakeConnection()));
    }

    @Test
    void acceptedConnectionGetsHelloWithThePageIdFirst() {
        start(Settings.builder().heartbeatInterval(Duration.ofSeconds(20)).build());
        Tab tab = Tab.open(app, "/p");
        FakeConnection c = new FakeConnection("websocket");
        Attachment attachment = tab.attach(c);
        assertInstanceOf(Attachment.Accepted.class, attachment);
        assertEquals(
                List.of("[\"hello\",{\"v\":1,\"page\":\"" + tab.page().id() + "\",\"heartbeat\":20000,\"ack\":0}]"),
                c.sentTexts(),
                "hello is sent before attach returns");
        assertTrue(tab.page().isConnected());
        assertEquals("websocket", tab.page().transport());
    }

    @Test
    void pageIdOfNamesThePageOfAGenuineTokenForItsPathOnly() {
        start();
        Tab tab = Tab.open(app, "/p");
        assertEquals(tab.page().id(), app.pageIdOf("/p", tab.token()));
        assertNull(app.pageIdOf("/q", tab.token()));
        assertNull(app.pageIdOf("/p", tab.token() + "x"));
        assertNull(app.pageIdOf("/p", null));
    }

    @Test
    void closingTheApplicationClosesEveryPageWith1001() {
        start();
        Tab tab = Tab.open(app, "/p");
        FakeConnection c = tab.connect();
        Tab neverConnected = Tab.open(app, "/p");
        app.close();
        assertEquals(new FakeConnection.Close(CloseCodes.GOING_AWAY, "server shutting down"), c.awaitClose());
        assertTrue(tab.page().isClosed());
        assertTrue(neverConnected.page().isClosed());
        assertEquals(0, app.pageCount());
        Wait.await("both close hooks", () -> closed.size() == 2);
    }

    @Test
    void framesArrivingAfterTheApplicationClosedAreIgnored() {
        start();
        FakeConnection c = Tab.open(app, "/p").connect();
        app.close();
        c.receive("[\"ev\",\"late\",1]");
        c.receive("[\"ping\"]");
        c.end();
        assertEquals(1, c.sent().size(), "only hello: " + c.sentTexts());
    }

    // ---- routes and files

    @Test
    void pageRoutesAreAbsoluteUniqueAndOutsideTheClientPrefix() {
        start();
        assertTrue(app.isPage("/p"));
        assertFalse(app.isPage("/p/"));
        assertFalse(app.isPage("/_pagewire/client.js"));
        for (String bad : new String[] {"p", "", "/p?x=1", "/p#top", "/_pagewire/x", "/p\uD800", "/\uDC00p"}) {
            assertThrows(IllegalArgumentException.class, () -> app.page(bad, (r, p) -> ""), bad);
        }
        IllegalArgumentException twice =
                assertThrows(IllegalArgumentException.class, () -> app.page("/p", (r, p) -> ""));
        assertTrue(twice.getMessage().contains("/p"), twice.getMessage());
        assertThrows(NullPointerException.class, () -> app.page("/new", null));
    }

    @Test
    void staticRootsKeepTheirOrderWithoutTrailingSlashes(@TempDir Path dir) {
        start();
        app.staticResources("/assets/", "/web/");
        app.staticFiles("/files", dir);
        assertEquals(
                List.of(
                        new StaticRoot("/assets", null, "web"),
                        new StaticRoot("/files", dir.toAbsolutePath().normalize(), null)),
                app.staticRoots());
        assertThrows(IllegalArgumentException.class, () -> app.staticFiles("/x", dir.resolve("missing")));
        assertThrows(IllegalArgumentException.class, () -> app.staticResources("/_pagewire", "web"));
    }

    @Test
    void protocolOfAnApplicationIsTheApplication() {
        Pagewire created = Pagewire.create(s -> s.maxJsonDepth(8));
        try {
            assertSame(created, Protocol.of(created));
            assertEquals(8, Protocol.of(created).settings().maxJsonDepth());
        } finally {
            created.close();
        }
    }
}
