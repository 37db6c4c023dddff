package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The browser client's transports and its negotiation in a real Chromium against the embedded
 * server: each transport carries everything, a blocked WebSocket falls back by itself and the
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

    private PagewireServer serve(EchoApp app, Consumer<ServerSettings.Builder> settings) {
        PagewireServer server = PagewireServer.start(app.app, s -> {
            s.host("127.0.0.1").port(0);
            settings.accept(s);
        });
        closing.add(server);
        return server;
    }

    private static void awaitConnected(Page page) {
        page.waitForFunction("() => window.pagewire && window.pagewire.state === 'connected'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "sse", "longpolling"})
    void aForcedTransportCarriesEventsBothWaysAndBinary(String transport) throws Exception {
        EchoApp app = app(s -> {});
        PagewireServer server = serve(app, s -> {});
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
        assertEquals(List.of(List.of("echoed", Map.of("text", "héllo", "n", List.of(1, 2))),
                List.of("news", Map.of("from", "server"))), page.evaluate("() => got"));
        assertEquals(List.of(List.of(250, 2, 1)), page.evaluate("() => bytes"));
    }

    @Test
    void aBlockedWebSocketFallsBackToSseByItselfAndTheNextPageStartsThere() {
        PagewireServer server = serve(app(s -> s.connectTimeout(Duration.ofSeconds(2))
                .upgradeAfter(Duration.ofMinutes(5))), s -> s.webSocket(false));
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

    @Test
    void aPageOnAFallbackUpgradesToWebSocketWithoutLosingOrReorderingEvents() throws Exception {
        int events = 400;
        // First the network breaks WebSockets: the origin learns to start on SSE.
        EchoApp blockedApp = app(s -> s.upgradeAfter(Duration.ofMinutes(5)));
        PagewireServer blocked = serve(blockedApp, s -> s.webSocket(false));
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
        PagewireServer open = serve(openApp, s -> s.port(port));
        Page page = context.newPage();
        page.navigate(open.uri().resolve("/t").toString());
        awaitConnected(page);
        dev.pagewire.Page p = openApp.nextPage();
        page.evaluate("(n) => { pagewire.page.emit('stream', n);"
                + " let i = 0; const t = setInterval(() => { pagewire.page.emit('up', ++i);"
                + " if (i === n) clearInterval(t); }, 2); }", events);
        page.waitForFunction("(n) => pagewire.transport === 'websocket' && got.length === n", events,
                new Page.WaitForFunctionOptions().setTimeout(20_000));
        Wait.await(Duration.ofSeconds(10), events + " up events on the server", () -> openApp.ups.size() == events);

        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= events; i++) {
            expected.add(i);
        }
        @SuppressWarnings("unchecked")
        List<List<Object>> got = (List<List<Object>>) page.evaluate("() => got");
        assertEquals(expected, got.stream().map(e -> ((Number) e.get(1)).intValue()).toList(),
                "server-to-page events across the upgrade");
        assertEquals(expected, openApp.ups, "page-to-server events across the upgrade");
        assertEquals("websocket", p.transport());
        assertEquals(List.of("websocket"), page.evaluate("() => transports"));
        assertTrue(p.isConnected());
    }
}
