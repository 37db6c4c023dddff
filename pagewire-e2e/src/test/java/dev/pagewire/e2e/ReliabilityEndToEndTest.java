package dev.pagewire.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.pagewire.e2e.cluster.SharedCluster;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.EchoApp;
import dev.pagewire.netty.testing.FaultyRelay;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.RunningServer;
import dev.pagewire.servlet.testing.Servers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nothing lost, nothing doubled, order kept (docs/PROTOCOL.md §10, docs/GUARANTEES.md), on every
 * server and on a cluster: a real Chromium talks to the server through a relay that breaks its
 * connections at random points of the streams — resets, cuts after a few bytes (mid-frame), stalls —
 * while events flow each way; on each transport, and on a page that keeps switching transports. On
 * the cluster (three node processes on Redis behind round-robin haproxy, {@link SharedCluster}) the
 * relay sits in front of haproxy, so every reconnect, poll and POST may land on another node.
 *
 * <p><b>Plans.</b> A run lasts as long as its stream, which the server paces at about 500 events a
 * second so that the faults land all along it. {@code mvn verify} runs the short plan everywhere:
 * 1,500 events each way across 5 faults (one round of the cycle: three resets, a cut, a stall) on
 * every transport (3,000 across 10 on the page that keeps switching, which must meet both
 * fallbacks), the same checks as the full plan, 10,000 events across 50 faults (about 20 s per transport and server).
 * The full plan, on every server and the cluster (about four minutes):
 *
 * <pre>
 * mvn -pl pagewire-e2e -am verify -Dreliability=full -Dtest=ReliabilityEndToEndTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * {@code -Dreliability.events} and {@code -Dreliability.faults} change the full plan.
 */
@ParameterizedClass(name = "{0}: {1}")
@MethodSource("targetsAndPlans")
class ReliabilityEndToEndTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /**
     * Tells the client, whenever it starts a connection, that this origin's WebSockets fail, so that
     * every connection starts on a fallback, alternately SSE and long-polling, and then upgrades to
     * WebSocket: a page that switches transports all the time. The client reads what its origin
     * remembers once per attempt (memory.js); answering each read in turn, rather than changing the
     * answer on a timer, makes sure that even a short plan's few reconnects use both fallbacks.
     */
    private static final String KEEP_FALLING_BACK = """
        (() => { const getItem = Storage.prototype.getItem; let attempts = 0;
          Storage.prototype.getItem = function (key) {
            if (key !== 'pagewire.transport') return getItem.call(this, key);
            return JSON.stringify({transport: attempts++ % 2 ? 'longpolling' : 'sse', at: Date.now()});
          }; })();
        """;

    /** How many events go each way, and how many faults must hit a live connection meanwhile. */
    record Plan(int events, int faults) {

        static final Plan FULL = new Plan(
                Integer.getInteger("reliability.events", 10_000), Integer.getInteger("reliability.faults", 50));

        /**
         * The containers' default: one round of the fault cycle on every transport (three resets,
         * a cut mid-frame, a stall). Each fault uses up some of the stream (a reconnect, a stall:
         * up to about 300 events on a loaded machine), and the fewer the faults, the less that
         * evens out: so one fault per 300 events, not per 200 as in the full plan, lest the stream
         * end first.
         */
        static final Plan SHORT = new Plan(1_500, 5);

        /**
         * The short plan of the page that keeps switching: two rounds, since it must also be seen
         * on both fallbacks, one per reconnect in turn, and one round's reconnects may all land on
         * one of them (a reset during an upgrade costs no fallback).
         */
        static final Plan SHORT_SWITCHING = new Plan(3_000, 10);

        /** The plan for {@code transport}: the switching page gets more of the short plan. */
        Plan forTransport(String transport) {
            return equals(SHORT) && transport.equals("switching") ? SHORT_SWITCHING : this;
        }

        @Override
        public String toString() {
            return events + " events each way, " + faults + " faults";
        }
    }

    /** Where the page is served: one server of a kind, or the shared cluster ({@code server} null). */
    record Target(String name, Servers server) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> targetsAndPlans() {
        Plan plan = "full".equals(System.getProperty("reliability")) ? Plan.FULL : Plan.SHORT;
        Stream<Arguments> servers =
                Stream.of(Servers.values()).map(kind -> Arguments.of(new Target(kind.toString(), kind), plan));
        return Stream.concat(servers, Stream.of(Arguments.of(new Target("cluster", null), plan)));
    }

    @Parameter(0)
    Target kind;

    @Parameter(1)
    Plan plan;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"websocket", "sse", "longpolling", "switching"})
    void everyEventEachWayArrivesOnceAndInOrderAcrossFaults(String transport) throws Exception {
        Plan plan = this.plan.forTransport(transport);
        int events = plan.events();
        int port;
        if (kind.server() != null) {
            EchoApp app = new EchoApp(s -> s.upgradeAfter(Duration.ofMillis(200)));
            closing.add(app);
            RunningServer server = kind.server().start(app.app);
            closing.add(server);
            port = server.port();
        } else {
            port = SharedCluster.get().port();
        }
        FaultyRelay relay = FaultyRelay.start(new InetSocketAddress("127.0.0.1", port));
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
                events);

        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<String> faults = new ArrayList<>();
        while (faults.size() < plan.faults()) {
            // A random point of the stream, reached while a connection carries it.
            int at = received(page) + 5 + random.nextInt(30);
            if (at >= events) {
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
        String story = kind + ", " + transport + ", seed " + seed + "L, faults " + faults;
        assertEquals(plan.faults(), faults.size(), "the streams ended before every fault could hit them; " + story);

        awaitReceived(page, events, faults, seed);
        List<Integer> expected = IntStream.rangeClosed(1, events).boxed().toList();
        @SuppressWarnings("unchecked")
        List<List<Object>> got = (List<List<Object>>) page.evaluate("() => got");
        assertEquals(
                expected, got.stream().map(e -> ((Number) e.get(1)).intValue()).toList(), "server to page; " + story);
        // The page object itself says what it received (EchoApp's call 'ups'), wherever it lives.
        assertEquals(
                Map.of("count", events, "inOrder", true),
                EchoApp.awaitUps(page, events, TIMEOUT),
                "page to server; " + story);
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
