package dev.pagewire.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import dev.pagewire.Access;
import dev.pagewire.Channel;
import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.RunningServer;
import dev.pagewire.servlet.testing.Servers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * Channels to endpoints in a real Chromium (docs/PROTOCOL.md §12, docs/ENDPOINTS.md), on every server: several
 * channels multiplexed on a page's one connection on every transport, one closed while the others
 * go on, calls on a channel, the authorizer's refusals as the browser sees them, and channels to
 * other origins under the browser's rules: allowed, refused by the allow-list, refused by default,
 * and credentials only with the server's consent. The origins differ by host:
 * {@code http://127.0.0.1:A} serves the page, {@code http://localhost:B} the other endpoints.
 */
class EndpointsInBrowserTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    /** Opens a channel, keeps it in window.chans, collects its echo events; resolves with how the open ended. */
    private static final String OPEN = """
        async ({url, params, options}) => {
          const ch = pagewire.open(url, params, options);
          (window.chans ??= []).push(ch);
          ch.got = [];
          ch.states = [];
          ch.on('echo', (d) => ch.got.push(d));
          ch.onState((s) => ch.states.push(s.state));
          try {
            await ch.opened;
            return { index: window.chans.length - 1, state: ch.state };
          } catch (e) {
            return { index: window.chans.length - 1, state: ch.state, code: e.code, reason: ch.reason };
          }
        }
        """;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final BlockingQueue<Channel> opened = new LinkedBlockingQueue<>();
    private final List<String> closedChannels = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** An app with a page at /p and the endpoints /echo (echo, add, close hook) and /guarded. */
    private RunningServer serve(Servers kind, Consumer<Settings.Builder> settings) {
        Pagewire app = Pagewire.create(settings);
        closing.add(app);
        app.page("/p", (request, page) -> "<!doctype html><html><head><title>p</title></head><body>p</body></html>");
        app.endpoint("/echo", channel -> {
            channel.on(
                    "say",
                    e -> channel.emit(
                            "echo",
                            Map.of(
                                    "text",
                                    e.data().path("text").asText(),
                                    "name",
                                    channel.params().path("name").asText())));
            channel.handle(
                    "add",
                    args -> args.data().path("a").asInt()
                            + args.data().path("b").asInt());
            channel.onClose(
                    () -> closedChannels.add(channel.params().path("name").asText()));
            opened.add(channel);
        });
        app.endpoint(
                "/guarded",
                request -> "sesame".equals(request.params().path("key").asText())
                        ? Access.grant()
                        : Access.deny("wrong key"),
                channel -> opened.add(channel));
        RunningServer server = kind.start(app);
        closing.add(server);
        return server;
    }

    private static String other(RunningServer server, String path) {
        return "http://localhost:" + server.port() + path;
    }

    private Page open(RunningServer server, String query, AtomicInteger sockets) {
        Page page = chromium.newContext().newPage();
        if (sockets != null) {
            page.onWebSocket(ws -> sockets.incrementAndGet());
        }
        page.navigate(server.uri().resolve("/p" + query).toString());
        page.waitForFunction("() => window.pagewire && window.pagewire.state === 'connected'");
        return page;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> openChannel(
            Page page, String url, Map<String, Object> params, Map<String, Object> options) {
        return (Map<String, Object>) page.evaluate(OPEN, Map.of("url", url, "params", params, "options", options));
    }

    private Channel nextOpened() throws InterruptedException {
        Channel channel = opened.poll(10_000, TimeUnit.MILLISECONDS);
        assertTrue(channel != null, "the endpoint's handler ran");
        return channel;
    }

    static Stream<Arguments> serversAndTransports() {
        return Stream.of(Servers.values())
                .flatMap(server ->
                        Stream.of("websocket", "sse", "longpolling").map(transport -> Arguments.of(server, transport)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("serversAndTransports")
    void threeChannelsShareThePagesConnectionAndClosingOneLeavesTheOthersAlone(Servers kind, String transport)
            throws Exception {
        RunningServer server = serve(kind, s -> {});
        AtomicInteger sockets = new AtomicInteger();
        Page page = open(server, "?pagewire-transport=" + transport, sockets);
        for (String name : List.of("a", "b", "c")) {
            assertEquals(
                    "open",
                    openChannel(page, "/echo", Map.of("name", name), Map.of()).get("state"));
            nextOpened();
        }
        assertEquals(transport.equals("websocket") ? 1 : 0, sockets.get(), "no connection of their own");

        page.evaluate("() => window.chans[1].close()");
        Wait.await(
                java.time.Duration.ofSeconds(10),
                "the closed channel's close hook ran",
                () -> closedChannels.contains("b"));
        page.evaluate("() => window.chans.forEach((ch, i) => { if (i !== 1) ch.emit('say', {text: 'hi ' + i}); })");
        page.waitForFunction("() => window.chans[0].got.length === 1 && window.chans[2].got.length === 1");
        assertEquals(List.of(Map.of("text", "hi 0", "name", "a")), page.evaluate("() => window.chans[0].got"));
        assertEquals(List.of(Map.of("text", "hi 2", "name", "c")), page.evaluate("() => window.chans[2].got"));
        assertEquals("closed", page.evaluate("() => window.chans[1].state"));
        assertEquals(List.of("b"), closedChannels, "only the closed channel ended");
        assertEquals("connected", page.evaluate("() => pagewire.state"), "the page's connection stayed up");
        assertEquals(transport, page.evaluate("() => pagewire.transport"));
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void callsOnAChannelWorkBothWays(Servers kind) throws Exception {
        RunningServer server = serve(kind, s -> {});
        Page page = open(server, "", null);
        openChannel(page, "/echo", Map.of("name", "calls"), Map.of());
        Channel channel = nextOpened();
        assertEquals(5, page.evaluate("() => window.chans[0].call('add', {a: 2, b: 3})"));
        page.evaluate("() => window.chans[0].handle('double', (n) => n * 2)");
        assertEquals(42, channel.call("double", 21).get(10, TimeUnit.SECONDS).asInt());
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void theAuthorizersRefusalReachesTheBrowserWithItsReason(Servers kind) throws Exception {
        RunningServer server = serve(kind, s -> {});
        Page page = open(server, "", null);
        Map<String, Object> refused = openChannel(page, "/guarded", Map.of("key", "guess"), Map.of());
        assertEquals("refused", refused.get("state"));
        assertEquals("refused", refused.get("code"));
        assertEquals("wrong key", refused.get("reason"));
        Map<String, Object> missing = openChannel(page, "/nowhere", Map.of(), Map.of());
        assertEquals("refused", missing.get("state"));
        assertEquals("not_found", missing.get("code"));
        assertEquals(
                "open",
                openChannel(page, "/guarded", Map.of("key", "sesame"), Map.of()).get("state"));
        assertEquals("connected", page.evaluate("() => pagewire.state"));
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void aChannelToAnAllowedOtherOriginHasAConnectionOfItsOwn(Servers kind) throws Exception {
        RunningServer home = serve(kind, s -> {});
        String homeOrigin = "http://127.0.0.1:" + home.port();
        RunningServer quotes = serve(kind, s -> s.allowOrigins(homeOrigin));
        AtomicInteger sockets = new AtomicInteger();
        Page page = open(home, "", sockets);
        Map<String, Object> result = openChannel(page, other(quotes, "/echo"), Map.of("name", "far"), Map.of());
        assertEquals("open", result.get("state"), String.valueOf(result));
        Channel channel = nextOpened();
        assertTrue(channel.page().path().equals("/echo"), "a page without HTML on the other server");
        page.evaluate("() => window.chans[0].emit('say', {text: 'across'})");
        page.waitForFunction("() => window.chans[0].got.length === 1");
        assertEquals(List.of(Map.of("text", "across", "name", "far")), page.evaluate("() => window.chans[0].got"));
        assertEquals(2, sockets.get(), "the page's own WebSocket and the other origin's");
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void anOriginTheOtherServerDoesNotListIsRefused(Servers kind) {
        RunningServer home = serve(kind, s -> {});
        RunningServer quotes = serve(kind, s -> s.allowOrigins("https://someone-else.example"));
        Page page = open(home, "", null);
        Map<String, Object> result = openChannel(page, other(quotes, "/echo"), Map.of(), Map.of());
        assertEquals("refused", result.get("state"));
        assertEquals("origin", result.get("code"));
        assertTrue(opened.isEmpty(), "the endpoint never ran");
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void anotherOriginIsRefusedByDefault(Servers kind) {
        RunningServer home = serve(kind, s -> {});
        RunningServer quotes = serve(kind, s -> {});
        Page page = open(home, "", null);
        Map<String, Object> result = openChannel(page, other(quotes, "/echo"), Map.of(), Map.of());
        assertEquals("refused", result.get("state"));
        assertEquals("origin", result.get("code"));
        assertTrue(opened.isEmpty(), "the endpoint never ran");
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void aCredentialedChannelNeedsTheOtherServersConsent(Servers kind) throws Exception {
        RunningServer home = serve(kind, s -> {});
        String homeOrigin = "http://127.0.0.1:" + home.port();
        RunningServer withoutConsent = serve(kind, s -> s.allowOrigins(homeOrigin));
        RunningServer withConsent = serve(kind, s -> s.allowOrigins(homeOrigin).allowCredentials(true));
        Page page = open(home, "", null);
        Map<String, Object> refused =
                openChannel(page, other(withoutConsent, "/echo"), Map.of(), Map.of("withCredentials", true));
        assertEquals("refused", refused.get("state"));
        assertEquals("origin", refused.get("code"));
        assertTrue(opened.isEmpty());
        Map<String, Object> allowed =
                openChannel(page, other(withConsent, "/echo"), Map.of("name", "cred"), Map.of("withCredentials", true));
        assertEquals("open", allowed.get("state"), String.valueOf(allowed));
        nextOpened();
    }
}
