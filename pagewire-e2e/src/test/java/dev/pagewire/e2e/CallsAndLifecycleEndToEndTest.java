package dev.pagewire.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import dev.pagewire.CallException;
import dev.pagewire.EventException;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.FaultyRelay;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.RunningServer;
import dev.pagewire.servlet.testing.Servers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Calls with replies in both directions (docs/PROTOCOL.md §11) and the ends of a page (§10.4,
 * §6) in a real Chromium, on every server: values, coded errors, timeouts, a call in flight across
 * a cut connection, a restarted server, a closed tab.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Servers.class)
class CallsAndLifecycleEndToEndTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private static final String HTML = """
        <!doctype html><html><head><title>c</title></head><body>
        <script type="module">
        pagewire.page.handle('double', (q) => q.x * 2);
        pagewire.page.handle('later', (q) => new Promise((ok) => setTimeout(() => ok('done ' + q), 50)));
        pagewire.page.handle('refuse', () => { const e = new Error('not today'); e.code = 'refused'; throw e; });
        window.outcome = (p) => p.then((value) => ({ value }), (e) => ({ code: e.code, message: e.message }));
        </script></body></html>
        """;

    @Parameter
    Servers kind;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final java.util.concurrent.BlockingQueue<dev.pagewire.Page> pages =
            new java.util.concurrent.LinkedBlockingQueue<>();
    private final AtomicInteger slowRuns = new AtomicInteger();
    private final CountDownLatch releaseSlow = new CountDownLatch(1);

    @AfterEach
    void stop() throws Exception {
        releaseSlow.countDown();
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private Pagewire app(java.util.function.Consumer<dev.pagewire.Settings.Builder> settings) {
        Pagewire app = Pagewire.create(settings);
        app.page("/c", (request, page) -> {
            page.handle(
                    "add",
                    args -> args.data().path("a").asInt()
                            + args.data().path("b").asInt());
            page.handle("forbidden", args -> {
                throw new EventException("not_allowed", "you may not");
            });
            page.handle("broken", args -> {
                throw new IllegalStateException("a bug, details stay in the server log");
            });
            page.handle("slow", args -> {
                slowRuns.incrementAndGet();
                releaseSlow.await(30, TimeUnit.SECONDS);
                return "slow done";
            });
            pages.add(page);
            return HTML;
        });
        closing.add(app);
        return app;
    }

    private RunningServer serve(Pagewire app) {
        return serve(app, Servers.Options.defaults());
    }

    private RunningServer serve(Pagewire app, Servers.Options options) {
        RunningServer server = kind.start(app, options);
        closing.add(server);
        return server;
    }

    private static void awaitConnected(Page page) {
        page.waitForFunction("() => window.pagewire && pagewire.state === 'connected'");
    }

    private static Object outcome(Page page, String call) {
        return page.evaluate("() => outcome(" + call + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "sse", "longpolling"})
    void theBrowserCallsThePageObjectAndGetsItsValueOrItsError(String transport) {
        RunningServer server = serve(app(s -> {}));
        Page page = chromium.newContext().newPage();
        page.navigate(server.uri().resolve("/c?pagewire-transport=" + transport).toString());
        awaitConnected(page);

        assertEquals(Map.of("value", 5), outcome(page, "pagewire.page.call('add', {a: 2, b: 3})"));
        assertEquals(
                Map.of("code", "not_allowed", "message", "you may not"),
                outcome(page, "pagewire.page.call('forbidden')"));
        Map<?, ?> broken = (Map<?, ?>) outcome(page, "pagewire.page.call('broken')");
        assertEquals("handler_error", broken.get("code"));
        assertTrue(!String.valueOf(broken.get("message")).contains("a bug"), "no server details leak: " + broken);
        assertEquals("unknown_call", ((Map<?, ?>) outcome(page, "pagewire.page.call('nothing')")).get("code"));
        assertEquals(
                "timeout", ((Map<?, ?>) outcome(page, "pagewire.page.call('slow', null, {timeout: 300})")).get("code"));
    }

    @Test
    void theServerCallsTheBrowserAndGetsItsValueOrItsError() throws Exception {
        RunningServer server = serve(app(s -> s.callTimeout(Duration.ofSeconds(1))));
        Page page = chromium.newContext().newPage();
        page.navigate(server.uri().resolve("/c").toString());
        awaitConnected(page);
        dev.pagewire.Page p = pages.take();

        assertEquals(
                42, p.call("double", Map.of("x", 21)).get(10, TimeUnit.SECONDS).asInt());
        assertEquals(
                "done soon", p.call("later", "soon").get(10, TimeUnit.SECONDS).asText());
        CallException refused = failure(p.call("refuse", null));
        assertEquals("refused", refused.code());
        assertEquals("not today", refused.getMessage());
        assertEquals("unknown_call", failure(p.call("nothing", null)).code());
    }

    @Test
    void aCallInFlightWhenTheConnectionIsCutRunsOnceAndItsReplyArrivesAfterTheResume() throws Exception {
        RunningServer server = serve(app(s -> {}));
        FaultyRelay relay = FaultyRelay.start(new InetSocketAddress("127.0.0.1", server.port()));
        closing.add(relay);
        Page page = chromium.newContext().newPage();
        page.navigate("http://127.0.0.1:" + relay.port() + "/c");
        awaitConnected(page);
        page.evaluate("() => { window.slow = outcome(pagewire.page.call('slow')); }");
        Wait.await(Duration.ofSeconds(10), "the handler to start", () -> slowRuns.get() == 1);

        assertTrue(relay.cutAll() > 0);
        page.waitForFunction("() => pagewire.state === 'reconnecting' || pagewire.state === 'connected'");
        releaseSlow.countDown();

        assertEquals(Map.of("value", "slow done"), page.evaluate("() => window.slow"));
        assertEquals("connected", page.evaluate("() => pagewire.state"));
        assertEquals(1, slowRuns.get(), "the call ran once");
    }

    @Test
    void aRestartedServerMakesThePageReloadItselfAndTheNewPageWorks() throws Exception {
        Pagewire before = app(s -> s.reloadOnExpired(true));
        RunningServer first = serve(before);
        int port = first.port();
        Page page = chromium.newContext().newPage();
        page.navigate(first.uri().resolve("/c").toString());
        awaitConnected(page);
        String oldId = pages.take().id();
        first.close();
        before.close();

        // A new process on the same port: a new random secret, no pages.
        serve(app(s -> s.reloadOnExpired(true)), Servers.Options.defaults().withPort(port));
        dev.pagewire.Page fresh = pages.poll(30, TimeUnit.SECONDS);
        assertTrue(fresh != null, "the tab reloaded and rendered a new page");
        assertNotEquals(oldId, fresh.id());
        page.waitForFunction(
                "(id) => window.pagewire && pagewire.state === 'connected' && pagewire.pageId === id",
                fresh.id(),
                new Page.WaitForFunctionOptions().setTimeout(30_000));
        assertEquals(Map.of("value", 3), outcome(page, "pagewire.page.call('add', {a: 1, b: 2})"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "sse", "longpolling"})
    void closingTheTabClosesItsPageAtOnceNotAfterTheGracePeriod(String transport) throws Exception {
        Pagewire app = app(s -> s.closeGracePeriod(Duration.ofMinutes(5)));
        RunningServer server = serve(app);
        Page page = chromium.newContext().newPage();
        page.navigate(server.uri().resolve("/c?pagewire-transport=" + transport).toString());
        awaitConnected(page);
        dev.pagewire.Page p = pages.take();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        p.onClose(() -> closed.complete(null));

        page.close(new Page.CloseOptions().setRunBeforeUnload(true));
        closed.get(10, TimeUnit.SECONDS);
        Wait.await(Duration.ofSeconds(10), "the page to be forgotten", () -> app.pageCount() == 0);
    }

    private static CallException failure(CompletableFuture<?> call) throws Exception {
        try {
            call.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CallException c) {
                return c;
            }
            throw e;
        }
        throw new AssertionError("the call succeeded");
    }
}
