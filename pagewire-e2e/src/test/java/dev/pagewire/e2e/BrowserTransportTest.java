package dev.pagewire.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.EchoApp;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.RunningServer;
import dev.pagewire.servlet.testing.Servers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The browser client's transports and its negotiation in a real Chromium, on every server (the
 * embedded Netty server, Tomcat and Jetty): each transport carries everything, a blocked WebSocket falls back by itself and the
 * fallback is remembered, and a page on a fallback upgrades to WebSocket without losing or
 * reordering a single event in either direction.
 */
class BrowserTransportTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private EchoApp app(Consumer<dev.pagewire.Settings.Builder> settings) {
        EchoApp app = new EchoApp(settings);
        closing.add(app);
        return app;
    }

    private RunningServer serve(Servers kind, EchoApp app, Servers.Options options) {
        RunningServer server = kind.start(app.app, options);
        closing.add(server);
        return server;
    }

    static Stream<Arguments> serversAndTransports() {
        return Stream.of(Servers.values())
                .flatMap(server ->
                        Stream.of("websocket", "sse", "longpolling").map(transport -> Arguments.of(server, transport)));
    }

    private static void awaitConnected(Page page) {
        page.waitForFunction("() => window.pagewire && window.pagewire.state === 'connected'");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("serversAndTransports")
    void aForcedTransportCarriesEventsBothWaysAndBinary(Servers kind, String transport) throws Exception {
        EchoApp app = app(s -> {});
        RunningServer server = serve(kind, app, Servers.Options.defaults());
        Page page = chromium.newContext().newPage();
        page.navigate(server.uri().resolve("/t?pagewire-transport=" + transport).toString());
        awaitConnected(page);
        assertEquals(transport, page.evaluate("() => pagewire.transport"));
        dev.pagewire.Page p = app.nextPage();
        assertEquals(transport, p.transport());

        page.evaluate("() => pagewire.page.emit('echo', {text: 'héllo', n: [1, 2]})");
        page.evaluate("() => pagewire.page.emit('bytes', new Uint8Array([1, 2, 250]))");
        page.waitForFunction("() => got.length === 1 && bytes.length === 1");
        p.emit("news", Map.of("from", "server"));
        page.waitForFunction("() => got.length === 2");
        assertEquals(
                List.of(
                        List.of("echoed", Map.of("text", "héllo", "n", List.of(1, 2))),
                        List.of("news", Map.of("from", "server"))),
                page.evaluate("() => got"));
        assertEquals(List.of(List.of(250, 2, 1)), page.evaluate("() => bytes"));
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void aBlockedWebSocketFallsBackToSseByItselfAndTheNextPageStartsThere(Servers kind) {
        RunningServer server = serve(
                kind,
                app(s -> s.connectTimeout(Duration.ofSeconds(2)).upgradeAfter(Duration.ofMinutes(5))),
                Servers.Options.defaults().withWebSocket(false));
        BrowserContext context = chromium.newContext();
        Page first = context.newPage();
        first.navigate(server.uri().resolve("/t").toString());
        awaitConnected(first);
        assertEquals("sse", first.evaluate("() => pagewire.transport"));
        first.evaluate("() => pagewire.page.emit('echo', 1)");
        first.waitForFunction("() => got.length === 1");

        Page second = context.newPage();
        AtomicInteger sockets = new AtomicInteger();
        second.onWebSocket(ws -> sockets.incrementAndGet());
        second.navigate(server.uri().resolve("/t").toString());
        awaitConnected(second);
        assertEquals("sse", second.evaluate("() => pagewire.transport"));
        assertEquals(0, sockets.get(), "the remembered fallback is used without trying WebSocket first");
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void aPageOnAFallbackUpgradesToWebSocketWithoutLosingOrReorderingEvents(Servers kind) throws Exception {
        int events = 400;
        // First the network breaks WebSockets: the origin learns to start on SSE.
        EchoApp blockedApp = app(s -> s.upgradeAfter(Duration.ofMinutes(5)));
        RunningServer blocked =
                serve(kind, blockedApp, Servers.Options.defaults().withWebSocket(false));
        int port = blocked.port();
        BrowserContext context = chromium.newContext();
        Page learner = context.newPage();
        learner.navigate(blocked.uri().resolve("/t").toString());
        awaitConnected(learner);
        assertEquals("sse", learner.evaluate("() => pagewire.transport"));
        learner.close();
        blocked.close();

        // Then WebSockets get through on the same origin: a new page starts on SSE and upgrades.
        EchoApp openApp = app(s -> s.upgradeAfter(Duration.ofMillis(300)));
        RunningServer open = serve(kind, openApp, Servers.Options.defaults().withPort(port));
        Page page = context.newPage();
        page.navigate(open.uri().resolve("/t").toString());
        awaitConnected(page);
        dev.pagewire.Page p = openApp.nextPage();
        page.evaluate(
                "(n) => { pagewire.page.emit('stream', n);"
                        + " let i = 0; const t = setInterval(() => { pagewire.page.emit('up', ++i);"
                        + " if (i === n) clearInterval(t); }, 2); }",
                events);
        page.waitForFunction(
                "(n) => pagewire.transport === 'websocket' && got.length === n",
                events,
                new Page.WaitForFunctionOptions().setTimeout(20_000));
        Wait.await(Duration.ofSeconds(10), events + " up events on the server", () -> openApp.ups.size() == events);

        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= events; i++) {
            expected.add(i);
        }
        @SuppressWarnings("unchecked")
        List<List<Object>> got = (List<List<Object>>) page.evaluate("() => got");
        assertEquals(
                expected,
                got.stream().map(e -> ((Number) e.get(1)).intValue()).toList(),
                "server-to-page events across the upgrade");
        assertEquals(expected, openApp.ups, "page-to-server events across the upgrade");
        assertEquals("websocket", p.transport());
        assertEquals(List.of("websocket"), page.evaluate("() => transports"));
        assertTrue(p.isConnected());
    }
}
