package dev.pagewire.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.EchoApp;
import dev.pagewire.netty.testing.Haproxy;
import dev.pagewire.netty.testing.Nginx;
import dev.pagewire.netty.testing.Squid;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.RunningServer;
import dev.pagewire.servlet.testing.Servers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The page channel through real intermediaries on loopback, in a real Chromium, on every server
 * (TLS through a forward proxy is the embedded server's: pagewire-netty's SquidTlsTest): each case must
 * connect, carry events both ways and end on the transport the network allows (issue 3's matrix;
 * docs/DEPLOYMENT.md describes the same configurations for production).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Servers.class)
class ProxyEndToEndTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @Parameter
    Servers kind;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        closing.add(resource);
        return resource;
    }

    private EchoApp app(Consumer<dev.pagewire.Settings.Builder> settings) {
        return closeLater(new EchoApp(settings));
    }

    private RunningServer serve(EchoApp app) {
        return closeLater(kind.start(app.app));
    }

    private static InetSocketAddress address(RunningServer server) {
        return new InetSocketAddress("127.0.0.1", server.port());
    }

    @Test
    void nginxWithAStockProxyPassDropsTheUpgradeAndThePageFallsBackToSse() throws Exception {
        EchoApp app = app(s -> s.connectTimeout(Duration.ofSeconds(2)).upgradeAfter(Duration.ofMinutes(5)));
        RunningServer server = serve(app);
        Nginx nginx = closeLater(Nginx.start(Nginx.Mode.PLAIN, address(server)));
        Page page = chromium.newContext().newPage();
        assertEquals("sse", app.connectAndExchange(page, nginx.uri().resolve(EchoApp.PATH)));
    }

    @Test
    void nginxConfiguredForWebSocketCarriesAWebSocket() throws Exception {
        EchoApp app = app(s -> {});
        RunningServer server = serve(app);
        Nginx nginx = closeLater(Nginx.start(Nginx.Mode.WEBSOCKET, address(server)));
        Page page = chromium.newContext().newPage();
        assertEquals("websocket", app.connectAndExchange(page, nginx.uri().resolve(EchoApp.PATH)));
    }

    @Test
    void nginxThatBuffersResponsesAndIgnoresXAccelBufferingEndsOnLongPolling() throws Exception {
        EchoApp app = app(s -> s.connectTimeout(Duration.ofSeconds(2)).upgradeAfter(Duration.ofMinutes(5)));
        RunningServer server = serve(app);
        Nginx nginx = closeLater(Nginx.start(Nginx.Mode.BUFFERING, address(server)));
        Page page = chromium.newContext().newPage();
        assertEquals("longpolling", app.connectAndExchange(page, nginx.uri().resolve(EchoApp.PATH)));
    }

    @Test
    void squidAsTheBrowsersForwardProxyOverPlainHttpCarriesTheChannel() throws Exception {
        EchoApp app = app(s -> s.connectTimeout(Duration.ofSeconds(2)));
        RunningServer server = serve(app);
        Squid squid = closeLater(Squid.start());
        Page page = chromium.newContext(new Browser.NewContextOptions().setProxy(squid.playwrightProxy()))
                .newPage();
        String transport = app.connectAndExchange(page, server.uri().resolve(EchoApp.PATH));
        assertTrue(List.of("websocket", "sse", "longpolling").contains(transport), transport);
        Wait.await(
                Duration.ofSeconds(5),
                "squid's access log to show the page",
                () -> String.join("\n", squid.accessLogLines()).contains("127.0.0.1:" + server.port()));
    }

    /** Each transport on its own page, all at once: the check lasts five idle timeouts, not fifteen. */
    @Test
    void haproxyWithShortIdleTimeoutsKeepsTheChannelUpBecauseOfHeartbeats() throws Exception {
        Duration timeout = Duration.ofSeconds(1);
        EchoApp app = app(s -> s.heartbeatInterval(Duration.ofMillis(300)).idleTimeout(Duration.ofSeconds(2)));
        RunningServer server = serve(app);
        Haproxy haproxy = closeLater(Haproxy.start(address(server), Haproxy.Timeouts.of(timeout)));
        Map<String, Page> pages = new LinkedHashMap<>();
        for (String transport : List.of("websocket", "sse", "longpolling")) {
            Page page = chromium.newContext().newPage();
            assertEquals(
                    transport,
                    app.connectAndExchange(
                            page, haproxy.uri().resolve(EchoApp.PATH + "?pagewire-transport=" + transport)));
            pages.put(transport, page);
        }
        long started = System.nanoTime();
        // Events sparser than haproxy's timeouts: only heartbeats keep the connections busy in between.
        for (Page page : pages.values()) {
            page.evaluate(
                    "(ms) => { window.states = []; pagewire.on('state', (s) => states.push(s.state));"
                            + " let i = 0; setInterval(() => pagewire.page.emit('echo', ++i), ms); }",
                    (int) (timeout.toMillis() * 3 / 2));
        }
        pages.forEach((transport, page) -> {
            page.waitForFunction(
                    "() => got.length >= 2 + 4", null, new Page.WaitForFunctionOptions().setTimeout(30_000));
            Duration lasted = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(lasted.compareTo(timeout.multipliedBy(5)) > 0, transport + " lasted " + lasted);
            assertEquals(
                    List.of(), page.evaluate("() => states"), transport + ": no reconnect while heartbeats flowed");
            assertEquals("connected", page.evaluate("() => pagewire.state"), transport);
        });
    }
}
