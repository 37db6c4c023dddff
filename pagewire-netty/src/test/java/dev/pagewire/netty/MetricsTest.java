package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.metrics.PagewireMetrics;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.RawWebSocket;
import dev.pagewire.netty.testing.TestFallback;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.netty.testing.Wait;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/OPERATIONS.md over the real server: known traffic (a page on each transport, a resume after a
 * cut connection, a forced fallback in Chromium, a slow consumer shed, a refused origin) gives known
 * meter values in a {@link SimpleMeterRegistry}, the server's Prometheus scrape shows them, and the
 * readiness probe turns {@code 503} once the node drains.
 */
class MetricsTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MAX_OUTBOUND = 64 * 1024;

    private SimpleMeterRegistry meters;
    private PrometheusMeterRegistry prometheus;
    private final BlockingQueue<Page> pages = new LinkedBlockingQueue<>();
    private Pagewire app;
    private PagewireServer server;
    private URI page;

    @BeforeEach
    void start() {
        start(true);
    }

    private void start(boolean webSocket) {
        meters = new SimpleMeterRegistry();
        prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        app = Pagewire.create(s -> s.maxOutboundBytes(MAX_OUTBOUND));
        app.page("/p", (request, p) -> {
            p.on("ping", e -> p.emit("pong", e.data()));
            pages.add(p);
            return "<html><head></head><body>p</body></html>";
        });
        new PagewireMetrics(app).bindTo(meters);
        new PagewireMetrics(app).bindTo(prometheus);
        server = PagewireServer.start(
                app, s -> s.host("127.0.0.1").port(0).webSocket(webSocket).prometheus(prometheus, "/metrics"));
        page = server.uri().resolve("/p");
    }

    @AfterEach
    void stop() {
        server.close();
        app.close();
    }

    private double counter(String name, String... tags) {
        return meters.get(name).tags(tags).functionCounter().count();
    }

    private double gauge(String name, String... tags) {
        return meters.get(name).tags(tags).gauge().value();
    }

    @Test
    void pagesOnEachTransportAndAResumeAreCounted() throws Exception {
        // A WebSocket page that raises one event and gets its answer.
        String token = TestSocket.token(TestSocket.render(page));
        Page ws = pages.take();
        try (TestSocket socket = TestSocket.open(TestSocket.channelUri(page, token), null)) {
            assertTrue(socket.nextText().startsWith("[\"hello\""));
            socket.send("[\"ev\",\"ping\",7,1]");
            assertTrue(socket.nextText().startsWith("[\"ev\",\"pong\",7,1"));
            assertEquals(1, gauge("pagewire.connections", "transport", "websocket"));
            for (int i = 2; i <= 4; i++) {
                ws.emit("n", i);
            }
            assertTrue(socket.nextText().startsWith("[\"ev\",\"n\",2,2"));
        }
        Wait.await(WAIT, "the cut connection noticed", () -> !ws.isConnected());
        ws.emit("n", 5);
        // It resumes on SSE from its ack 2: frames 3, 4 and 5 come again.
        try (TestFallback sse = TestFallback.open(page, token, "sse", "ack=2")) {
            for (int i = 3; i <= 5; i++) {
                assertTrue(sse.nextEvent().startsWith("[\"ev\",\"n\"," + i));
            }
            // Pages that start on SSE and on long-polling.
            try (TestFallback first = TestFallback.openPage(page, "sse");
                    TestFallback poll = TestFallback.openPage(page, "longpolling")) {
                Wait.await(
                        WAIT,
                        "three pages connected",
                        () -> gauge("pagewire.connections", "transport", "sse") == 2
                                && gauge("pagewire.connections", "transport", "longpolling") == 1);
            }
        }

        assertEquals(3, counter("pagewire.pages", "kind", "page"));
        assertEquals(3, gauge("pagewire.pages.live"));
        assertEquals(1, counter("pagewire.connections.opened", "transport", "websocket"));
        assertEquals(2, counter("pagewire.connections.opened", "transport", "sse"));
        assertEquals(1, counter("pagewire.connections.opened", "transport", "longpolling"));
        assertEquals(1, counter("pagewire.fallbacks", "transport", "sse", "reason", "first_connection"));
        assertEquals(1, counter("pagewire.fallbacks", "transport", "sse", "reason", "websocket_lost"));
        assertEquals(1, counter("pagewire.fallbacks", "transport", "longpolling", "reason", "first_connection"));
        assertEquals(1, counter("pagewire.resumes"));
        assertEquals(3, counter("pagewire.frames.replayed"));
        assertEquals(0, counter("pagewire.frames.missed"));
        assertEquals(1, counter("pagewire.events", "direction", "inbound"));
        // pong, then n 2–5 (3–5 sent again on the resume count as bytes, not as new events)
        assertEquals(5, counter("pagewire.events", "direction", "outbound"));
        assertTrue(counter("pagewire.bytes", "direction", "inbound") >= "[\"ev\",\"ping\",7,1]".length());
        assertTrue(counter("pagewire.bytes", "direction", "outbound") > 0);
        assertEquals(1, meters.get("pagewire.handler.time").timer().count());
        assertEquals(0, counter("pagewire.closes", "code", "4503"));
        assertEquals(1, gauge("pagewire.ready"));

        String scrape = get("/metrics").body();
        assertTrue(scrape.contains("pagewire_pages_total{kind=\"page\",node=\"0\"} 3.0"), scrape);
        assertTrue(
                scrape.contains("pagewire_fallbacks_total{node=\"0\",reason=\"websocket_lost\",transport=\"sse\"} 1.0"),
                scrape);
        assertTrue(scrape.contains("pagewire_resumes_total{node=\"0\"} 1.0"), scrape);
        assertTrue(scrape.contains("pagewire_handler_time_seconds_count{node=\"0\"} 1"), scrape);
    }

    @Test
    void aSlowConsumerShedAndARefusedOriginAreCounted() throws Exception {
        String token = TestSocket.token(TestSocket.render(page));
        Page stalled = pages.take();
        try (RawWebSocket socket = RawWebSocket.open(TestSocket.channelUri(page, token), false, 4096)) {
            Wait.await(WAIT, "the stalled page connected", stalled::isConnected);
            String kib = "x".repeat(1024);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (stalled.isConnected() && System.nanoTime() < deadline) {
                stalled.emit("fill", kib);
            }
            assertTrue(!stalled.isConnected(), "shed within " + WAIT);
        }
        assertEquals(1, counter("pagewire.closes", "code", "4503"));

        HttpResponse<String> refused = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(TestFallback.channel(page, token, "transport=sse"))
                                .header("Origin", "http://evil.example")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(403, refused.statusCode());
        assertEquals(1, counter("pagewire.refusals", "reason", "origin"));
        assertTrue(get("/metrics").body().contains("pagewire_closes_total{code=\"4503\",node=\"0\"} 1.0"));
    }

    @Test
    void aForcedFallbackInChromiumIsCountedAsOne() {
        server.close();
        app.close();
        start(false);
        var browserPage = chromium.newContext().newPage();
        browserPage.navigate(page.toString());
        Wait.await(
                WAIT,
                "the page connected on SSE",
                () -> counter("pagewire.connections.opened", "transport", "sse") == 1);
        assertEquals(1, counter("pagewire.fallbacks", "transport", "sse", "reason", "first_connection"));
        assertEquals(0, counter("pagewire.connections.opened", "transport", "websocket"));
    }

    @Test
    void readinessTurns503WhenTheNodeDrains() throws Exception {
        assertEquals(200, get("/_pagewire/health/live").statusCode());
        HttpResponse<String> ready = get("/_pagewire/health/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("ready\n", ready.body());
        assertEquals("no-store", ready.headers().firstValue("Cache-Control").orElseThrow());

        app.drain(); // no pages: returns at once, draining from now on

        HttpResponse<String> draining = get("/_pagewire/health/ready");
        assertEquals(503, draining.statusCode());
        assertTrue(draining.body().startsWith("draining"), draining.body());
        assertEquals(200, get("/_pagewire/health/live").statusCode(), "still live: it serves its pages");
        assertEquals(0, gauge("pagewire.ready"));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(server.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
