package dev.pagewire.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.EchoApp;
import dev.pagewire.netty.testing.Nginx;
import dev.pagewire.servlet.testing.RunningServer;
import dev.pagewire.servlet.testing.Servers;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same-origin rule in Chromium, on every server (docs/SECURITY.md): a page served through a
 * reverse proxy that rewrites {@code Host} (nginx's bare {@code proxy_pass}) still gets its channel,
 * because the browser says the request is same-origin; a page of another site that opens a channel
 * to the server is refused before any token is looked at.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Servers.class)
class OriginInBrowserTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @Parameter
    Servers kind;

    private EchoApp app;
    private RunningServer server;

    @BeforeEach
    void start() {
        app = new EchoApp(s -> {});
        server = kind.start(app.app);
    }

    @AfterEach
    void stop() {
        server.close();
        app.close();
    }

    @Test
    void aPageBehindABareProxyPassConnects() throws Exception {
        try (Nginx nginx = Nginx.start(Nginx.Mode.BARE, new InetSocketAddress("127.0.0.1", server.port()))) {
            Page page = chromium.newContext().newPage();
            // nginx drops the Upgrade: the channel runs on a fallback, with Host "backend".
            String transport = app.connectAndExchange(page, nginx.uri().resolve(EchoApp.PATH));
            assertEquals("sse", transport);
        }
    }

    @Test
    void aPageTheServerCannotTellIsItsOwnStopsWith4403AndSaysWhy() throws Exception {
        try (Nginx nginx =
                Nginx.start(Nginx.Mode.BARE_NO_FETCH_METADATA, new InetSocketAddress("127.0.0.1", server.port()))) {
            Page page = chromium.newContext().newPage();
            page.navigate(nginx.uri().resolve(EchoApp.PATH).toString());
            // The WebSocket's handshake is refused (403, which a page cannot read) and the SSE GET
            // carries nothing to judge by, so the page runs on SSE until it first POSTs, which the
            // browser marks with its Origin: the page's first event, or else its first ack or pong.
            page.waitForFunction("() => window.pagewire && window.pagewire.state === 'connected'");
            page.evaluate("() => pagewire.page.emit('echo', 'hello')");
            page.waitForFunction(
                    "() => window.pagewire && window.pagewire.state === 'closed'",
                    null,
                    new Page.WaitForFunctionOptions().setTimeout(20_000));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> states = (List<Map<String, Object>>) page.evaluate("() => states");
            Map<String, Object> last = states.get(states.size() - 1);
            assertEquals(4403, ((Number) last.get("code")).intValue(), states.toString());
            String reason = (String) last.get("reason");
            assertTrue(
                    reason.startsWith(
                            "origin not allowed: " + nginx.uri().toString().replaceAll("/$", "")),
                    reason);
            assertTrue(reason.contains("its log names the fix"), reason);
            assertFalse(
                    states.stream().anyMatch(s -> "reconnecting".equals(s.get("state"))),
                    "told at once, no reconnecting first: " + states);
        }
    }

    @Test
    void anotherSitesPageIsRefusedAndTheServersOwnIsNot() throws Exception {
        // The app's own page, reached as localhost: an origin and a site other than 127.0.0.1's.
        Page page = chromium.newContext().newPage();
        page.navigate("http://localhost:" + server.port() + EchoApp.PATH);
        String own = "ws://localhost:" + server.port() + EchoApp.PATH + "?pagewire=v1.forged";
        String other = "ws://127.0.0.1:" + server.port() + EchoApp.PATH + "?pagewire=v1.forged";
        @SuppressWarnings("unchecked")
        Map<String, Object> codes = (Map<String, Object>) page.evaluate("""
            async ([own, other]) => {
              const close = (url) => new Promise((resolve) => {
                const ws = new WebSocket(url);
                ws.onclose = (e) => resolve(e.code);
              });
              return {own: await close(own), other: await close(other)};
            }
            """, List.of(own, other));
        // Same origin: past the origin check, refused for the forged token (4401). Cross-site: the
        // handshake itself is refused (403), which a browser reports as 1006.
        assertEquals(4401, ((Number) codes.get("own")).intValue(), codes.toString());
        assertEquals(1006, ((Number) codes.get("other")).intValue(), codes.toString());
    }
}
