package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.EchoApp;
import dev.pagewire.netty.testing.FaultyRelay;
import dev.pagewire.netty.testing.Wait;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nothing lost, nothing doubled, order kept (docs/PROTOCOL.md §10, docs/GUARANTEES.md): a real
 * Chromium talks to the server through a relay that breaks its connections 50 times at random
 * points of the streams — resets, cuts after a few bytes (mid-frame), stalls — while 10,000 events
 * flow each way; on each transport, and on a page that keeps switching transports.
 */
class ReliabilityEndToEndTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private static final int EVENTS = Integer.getInteger("reliability.events", 10_000);
    /** Faults that must hit a live connection. */
    private static final int FAULTS = Integer.getInteger("reliability.faults", 50);

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /**
     * Keeps telling the client that this origin's WebSockets fail, so every reconnect starts on a
     * fallback (alternately SSE and long-polling) and then upgrades to WebSocket: a page that
     * switches transports all the time.
     */
    private static final String KEEP_FALLING_BACK = """
        (() => { let k = 0; const remember = () => localStorage.setItem('pagewire.transport',
            JSON.stringify({transport: (k++ % 2) ? 'longpolling' : 'sse', at: Date.now()}));
          remember(); setInterval(remember, 50); })();
        """;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "sse", "longpolling", "switching"})
    void tenThousandEventsEachWayAcrossFiftyFaultsArriveOnceAndInOrder(String transport) throws Exception {
        EchoApp app = new EchoApp(s -> s.upgradeAfter(Duration.ofMillis(200)));
        closing.add(app);
        PagewireServer server =
                PagewireServer.start(app.app, s -> s.host("127.0.0.1").port(0));
        closing.add(server);
        FaultyRelay relay = FaultyRelay.start(new InetSocketAddress("127.0.0.1", server.port()));
        closing.add(relay);

        BrowserContext context = chromium.newContext();
        boolean switching = transport.equals("switching");
        if (switching) {
            context.addInitScript(KEEP_FALLING_BACK);
        }
        Page page = context.newPage();
        page.navigate("http://127.0.0.1:" + relay.port() + EchoApp.PATH
                + (switching ? "" : "?pagewire-transport=" + transport));
        page.waitForFunction("() => window.pagewire && pagewire.state === 'connected'");
        page.evaluate(
                "() => { window.seen = new Set(); pagewire.on('state', (s) => s.transport && seen.add(s.transport));"
                        + " pagewire.on('transport', (t) => seen.add(t.transport)); }");
        page.evaluate(
                "(n) => { pagewire.page.emit('stream', {count: n, every: 25, pauseMillis: 50});"
                        // emit throws while maxQueuedEvents frames wait for the server's ack: try again later.
                        + " let i = 0; const t = setInterval(() => { for (let k = 0; k < 25 && i < n; k++) {"
                        + " try { pagewire.page.emit('up', i + 1); i++; } catch (e) { break; } }"
                        + " if (i === n) clearInterval(t); }, 50); }",
                EVENTS);

        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<String> faults = new ArrayList<>();
        while (faults.size() < FAULTS) {
            // A random point of the stream, reached while a connection carries it.
            int at = received(page) + 5 + random.nextInt(30);
            if (at >= EVENTS) {
                break;
            }
            awaitReceived(page, at, faults, seed);
            long cutsBefore = relay.cuts();
            switch (faults.size() % 5) {
                case 0, 1, 2 -> {
                    if (relay.cutAll() > 0) {
                        faults.add("reset@" + at);
                    }
                }
                case 3 -> {
                    // A few bytes into whatever comes next: almost always in the middle of a frame.
                    long bytes = 1 + random.nextInt(200);
                    relay.cutAfter(
                            bytes,
                            random.nextBoolean() ? FaultyRelay.Direction.DOWNSTREAM : FaultyRelay.Direction.UPSTREAM);
                    Wait.await(TIMEOUT, "a cut after " + bytes + " bytes", () -> relay.cuts() > cutsBefore);
                    faults.add("cut+" + bytes + "@" + at);
                }
                default -> {
                    // A laptop lid closed for a moment: nothing moves, nothing is closed.
                    relay.stall(Duration.ofMillis(200 + random.nextInt(400)));
                    Wait.await(TIMEOUT, "the stall to end", () -> !relay.stalled());
                    faults.add("stall@" + at);
                }
            }
        }
        String story = "seed " + seed + "L, faults " + faults;
        assertEquals(FAULTS, faults.size(), "the streams ended before every fault could hit them; " + story);

        awaitReceived(page, EVENTS, faults, seed);
        Wait.await(TIMEOUT, EVENTS + " up events on the server; " + story, () -> app.ups.size() >= EVENTS);
        List<Integer> expected = IntStream.rangeClosed(1, EVENTS).boxed().toList();
        @SuppressWarnings("unchecked")
        List<List<Object>> got = (List<List<Object>>) page.evaluate("() => got");
        assertEquals(
                expected, got.stream().map(e -> ((Number) e.get(1)).intValue()).toList(), "server to page; " + story);
        assertEquals(expected, app.ups, "page to server; " + story);
        if (switching) {
            @SuppressWarnings("unchecked")
            List<String> seen = (List<String>) page.evaluate("() => [...seen].sort()");
            assertEquals(List.of("longpolling", "sse", "websocket"), seen, "transports used; " + story);
        }
    }

    private static int received(Page page) {
        return ((Number) page.evaluate("() => got.length")).intValue();
    }

    private static void awaitReceived(Page page, int count, List<String> faults, long seed) {
        try {
            page.waitForFunction(
                    "(n) => got.length >= n",
                    count,
                    new Page.WaitForFunctionOptions()
                            .setTimeout(TIMEOUT.toMillis())
                            .setPollingInterval(10));
        } catch (com.microsoft.playwright.TimeoutError e) {
            throw new AssertionError(
                    "the page got " + received(page) + " events, waiting for " + count
                            + ", state " + page.evaluate("() => pagewire.state + ' ' + pagewire.transport")
                            + "; seed " + seed + "L, faults " + faults,
                    e);
        }
    }
}
