package dev.pagewire.netty.testing;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The application the browser tests of transports and proxies run against: one page at {@code /t}
 * that echoes JSON ({@code echo} → {@code echoed}) and binary ({@code bytes} → {@code reversed}),
 * streams numbered events on request ({@code stream} → {@code n} 1..N) and records numbered
 * {@code up} events. The page's script records, in order, what arrives in {@code window.got},
 * {@code window.bytes} and {@code window.transports}.
 */
public final class EchoApp implements AutoCloseable {

    public static final String PATH = "/t";

    public static final String HTML = """
        <!doctype html><html><head><title>t</title></head><body><p id=t></p>
        <script type="module">
        const w = window.pagewire;
        window.got = [];
        window.bytes = [];
        window.transports = [];
        window.states = [];
        for (const name of ['echoed', 'n', 'news']) w.page.on(name, (d) => got.push([name, d]));
        w.page.on('reversed', (b) => bytes.push(Array.from(new Uint8Array(b))));
        w.on('transport', (t) => transports.push(t.transport));
        w.on('state', (s) => states.push(s));
        </script></body></html>
        """;

    /** The pages rendered, in render order. */
    public final BlockingQueue<Page> pages = new LinkedBlockingQueue<>();
    /** The {@code up} events the server received, in arrival order. */
    public final List<Integer> ups = new CopyOnWriteArrayList<>();

    public final Pagewire app;

    public EchoApp(Consumer<Settings.Builder> settings) {
        this(Pagewire.create(settings));
    }

    /**
     * The echo page on {@code app} (a cluster node's, say). Each page also answers the call
     * {@code ups} with what it received of its own {@code up} events: {@code {"count": n,
     * "inOrder": true|false}} — in order means exactly 1..n, nothing lost or doubled — so that a test
     * in another process can check what the page object itself saw.
     */
    public EchoApp(Pagewire app) {
        this.app = app;
        app.page(PATH, (request, page) -> {
            List<Integer> mine = new CopyOnWriteArrayList<>();
            page.on("echo", e -> page.emit("echoed", e.data()));
            page.on("bytes", e -> page.emit("reversed", reverse(e.bytes())));
            page.on("up", e -> {
                ups.add(e.data().asInt());
                mine.add(e.data().asInt());
            });
            page.handle("ups", call -> {
                boolean inOrder = true;
                for (int i = 0; i < mine.size(); i++) {
                    inOrder &= mine.get(i) == i + 1;
                }
                return java.util.Map.of("count", mine.size(), "inOrder", inOrder);
            });
            // {"count": N, "every": k, "pauseMillis": m}, or just N (a pause of 2 ms after each).
            page.on("stream", e -> {
                int count = e.data().isInt()
                        ? e.data().asInt()
                        : e.data().path("count").asInt();
                int every = Math.max(1, e.data().path("every").asInt(1));
                long pause = e.data().path("pauseMillis").asLong(2) * 1_000_000;
                Thread.ofVirtual().start(() -> {
                    for (int i = 1; i <= count; i++) {
                        page.emit("n", i);
                        if (i % every == 0) {
                            // Spreads the stream over time (an upgrade, a series of cuts); nothing waits on it.
                            LockSupport.parkNanos(pause);
                        }
                    }
                });
            });
            pages.add(page);
            return HTML;
        });
    }

    /** Waits for the next rendered page. */
    public Page nextPage() throws InterruptedException {
        Page page = pages.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        if (page == null) {
            throw new AssertionError("no page rendered within 10 s");
        }
        return page;
    }

    /**
     * Opens this app's page at {@code uri} in {@code browserPage}, waits until it is connected, checks
     * an event each way, and returns the transport it ended on (the server sees the same one).
     */
    public String connectAndExchange(com.microsoft.playwright.Page browserPage, java.net.URI uri) throws Exception {
        browserPage.navigate(uri.toString());
        browserPage.waitForFunction(
                "() => window.pagewire && window.pagewire.state === 'connected'",
                null,
                new com.microsoft.playwright.Page.WaitForFunctionOptions().setTimeout(20_000));
        Page p = nextPage();
        browserPage.evaluate("() => pagewire.page.emit('echo', {via: 'proxy'})");
        browserPage.waitForFunction("() => got.length === 1");
        p.emit("news", "pushed");
        browserPage.waitForFunction("() => got.length === 2");
        org.junit.jupiter.api.Assertions.assertEquals(
                List.of(List.of("echoed", java.util.Map.of("via", "proxy")), List.of("news", "pushed")),
                browserPage.evaluate("() => got"));
        String transport = (String) browserPage.evaluate("() => pagewire.transport");
        org.junit.jupiter.api.Assertions.assertEquals(
                transport, p.transport(), "the server sees the transport the browser reports");
        return transport;
    }

    @Override
    public void close() {
        app.close();
    }

    private static byte[] reverse(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }

    /**
     * Asks the page object behind {@code browserPage} (its call {@code ups}) what it received of its
     * {@code up} events, until it has at least {@code count} or {@code within} passes; the last
     * answer, {@code {"count": n, "inOrder": true|false}}. Works wherever the page lives (another
     * process, another node). The call is made with {@code evaluate}, which waits for its promise.
     */
    @SuppressWarnings("unchecked")
    public static java.util.Map<String, Object> awaitUps(
            com.microsoft.playwright.Page browserPage, int count, java.time.Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        java.util.Map<String, Object> last = null;
        while (true) {
            try {
                last = (java.util.Map<String, Object>)
                        browserPage.evaluate("() => pagewire.page.call('ups', null, {timeout: 5000})");
            } catch (com.microsoft.playwright.PlaywrightException e) {
                last = java.util.Map.of(
                        "error",
                        String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            }
            Object n = last.get("count");
            if ((n instanceof Number number && number.intValue() >= count) || System.nanoTime() > deadline) {
                return last;
            }
            LockSupport.parkNanos(100_000_000); // between calls; the deadline bounds the wait
        }
    }
}
