package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.Wait;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
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

    /** The test page: records what arrives, in order, for the test to read. */
    static final String HTML = """
            <!doctype html><html><head><title>t</title></head><body><p id=t></p>
            <script type="module">
            const w = window.pagewire;
            window.got = [];
            window.bytes = [];
            window.transports = [];
            for (const name of ['echoed', 'n', 'news']) w.page.on(name, (d) => got.push([name, d]));
            w.page.on('reversed', (b) => bytes.push(Array.from(new Uint8Array(b))));
            w.on('transport', (t) => transports.push(t.transport));
            </script></body></html>
            """;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final BlockingQueue<dev.pagewire.Page> pages = new LinkedBlockingQueue<>();
    /** The {@code up} events the server received, per page, in arrival order. */
    private final List<Integer> ups = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private Pagewire app(Consumer<dev.pagewire.Settings.Builder> settings) {
        Pagewire app = Pagewire.create(settings);
        app.page("/t", (request, page) -> {
            page.on("echo", e -> page.emit("echoed", e.data()));
            page.on("bytes", e -> page.emit("reversed", reverse(e.bytes())));
            page.on("up", e -> ups.add(e.data().asInt()));
            page.on("stream", e -> {
                int count = e.data().asInt();
                Thread.ofVirtual().start(() -> {
                    for (int i = 1; i <= count; i++) {
                        page.emit("n", i);
                        // Spread over the upgrade window, without fixing a sleep for synchronisation.
                        java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                    }
                });
            });
            pages.add(page);
            return HTML;
        });
        closing.add(app);
        return app;
    }

    private PagewireServer serve(Pagewire app, Consumer<ServerSettings.Builder> settings) {
        PagewireServer server = PagewireServer.start(app, s -> {
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
    void aForcedTransportCarriesEventsBothWaysAndBinary(String transport) {
        PagewireServer server = serve(app(s -> {}), s -> {});
        Page page = chromium.newContext().newPage();
        page.navigate(server.uri().resolve("/t?pagewire-transport=" + transport).toString());
        awaitConnected(page);
        assertEquals(transport, page.evaluate("() => pagewire.transport"));
        dev.pagewire.Page p = pages.poll();
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
        Pagewire blockedApp = app(s -> s.upgradeAfter(Duration.ofMinutes(5)));
        PagewireServer blocked = serve(blockedApp, s -> s.webSocket(false));
        int port = blocked.port();
        BrowserContext context = chromium.newContext();
        Page learner = context.newPage();
        learner.navigate(blocked.uri().resolve("/t").toString());
        awaitConnected(learner);
        assertEquals("sse", learner.evaluate("() => pagewire.transport"));
        learner.close();
        blocked.close();
        pages.clear();

        // Then WebSockets get through on the same origin: a new page starts on SSE and upgrades.
        PagewireServer open = serve(app(s -> s.upgradeAfter(Duration.ofMillis(300))), s -> s.port(port));
        Page page = context.newPage();
        page.navigate(open.uri().resolve("/t").toString());
        awaitConnected(page);
        dev.pagewire.Page p = pages.take();
        page.evaluate("(n) => { pagewire.page.emit('stream', n);"
                + " let i = 0; const t = setInterval(() => { pagewire.page.emit('up', ++i);"
                + " if (i === n) clearInterval(t); }, 2); }", events);
        page.waitForFunction("(n) => pagewire.transport === 'websocket' && got.length === n", events,
                new Page.WaitForFunctionOptions().setTimeout(20_000));
        Wait.await(Duration.ofSeconds(10), events + " up events on the server", () -> ups.size() == events);

        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= events; i++) {
            expected.add(i);
        }
        @SuppressWarnings("unchecked")
        List<List<Object>> got = (List<List<Object>>) page.evaluate("() => got");
        assertEquals(expected, got.stream().map(e -> ((Number) e.get(1)).intValue()).toList(),
                "server-to-page events across the upgrade");
        assertEquals(expected, ups, "page-to-server events across the upgrade");
        assertEquals("websocket", p.transport());
        assertEquals(List.of("websocket"), page.evaluate("() => transports"));
        assertTrue(p.isConnected());
    }

    private static byte[] reverse(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }
}
