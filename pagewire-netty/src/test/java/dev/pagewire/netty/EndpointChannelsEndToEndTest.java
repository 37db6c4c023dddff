package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import dev.pagewire.Access;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.Chromium;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Channels to endpoints (docs/PROTOCOL.md §12) from the browser client in a real Chromium: three
 * channels on the page's connection, on every transport, one closed while the others and the page
 * go on; a refused open; a channel to an endpoint of another origin, allowed and not.
 */
class EndpointChannelsEndToEndTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private static final String HTML = """
            <!doctype html><html><head><title>e</title></head><body>
            <script type="module">
            window.outcome = (p) => p.then((value) => ({ value }), (e) => ({ code: e.code, reason: e.reason }));
            window.heard = [];
            window.openEcho = (url, n) => {
              const channel = pagewire.open(url, { n });
              channel.on('said', (text) => heard.push(text));
              return channel;
            };
            </script></body></html>
            """;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final BlockingQueue<Integer> closedChannels = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** An app whose endpoint /echo answers "n:text" and whose /vault refuses everyone. */
    private PagewireServer serve(Consumer<dev.pagewire.Settings.Builder> settings) {
        Pagewire app = Pagewire.create(settings);
        app.page("/p", (request, page) -> HTML);
        app.endpoint("/echo", channel -> {
            int n = channel.params().path("n").asInt();
            channel.on("say", e -> channel.emit("said", n + ":" + e.data().asText()));
            channel.handle("who", args -> n);
            channel.onClose(() -> closedChannels.add(n));
        });
        app.endpoint("/vault", request -> Access.deny("the vault is closed"), channel -> {});
        closing.add(app);
        PagewireServer server = PagewireServer.start(app, s -> s.host("127.0.0.1").port(0));
        closing.add(server);
        return server;
    }

    private static Page open(PagewireServer server, String query) {
        Page page = chromium.newContext().newPage();
        page.navigate(server.uri().resolve("/p" + query).toString());
        page.waitForFunction("() => window.pagewire && pagewire.state === 'connected'");
        return page;
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "sse", "longpolling"})
    void threeChannelsOnThePageConnectionAndClosingOneLeavesTheOthersWorking(String transport) throws Exception {
        PagewireServer server = serve(s -> {});
        Page page = open(server, "?pagewire-transport=" + transport);
        page.evaluate("() => { window.channels = [1, 2, 3].map((n) => openEcho('/echo', n)); }");
        assertEquals(List.of("open", "open", "open"),
                page.evaluate("() => Promise.all(channels.map((c) => c.opened)).then((all) => all.map((c) => c.state))"));

        page.evaluate("() => channels[1].close('done with two')");
        assertEquals(2, closedChannels.poll(10, TimeUnit.SECONDS), "the endpoint's close hook ran");
        page.evaluate("() => { channels[0].emit('say', 'a'); channels[2].emit('say', 'c'); }");
        page.waitForFunction("() => heard.length === 2");
        assertEquals(List.of("1:a", "3:c"), page.evaluate("() => heard.slice().sort()"));
        assertEquals(Map.of("value", 3), page.evaluate("() => outcome(channels[2].call('who'))"));
        assertEquals(List.of("open", "closed", "open", "connected"),
                page.evaluate("() => [...channels.map((c) => c.state), pagewire.state]"));
        assertEquals("closed", page.evaluate("() => channels[1].code"));
        assertTrue(closedChannels.isEmpty(), "only the closed channel closed: " + closedChannels);
    }

    @Test
    void aRefusedOpenRejectsWithTheAuthorizersReasonAndAMissingEndpointIsNotFound() {
        PagewireServer server = serve(s -> {});
        Page page = open(server, "");
        assertEquals(Map.of("code", "refused", "reason", "the vault is closed"),
                page.evaluate("() => outcome(pagewire.open('/vault').opened)"));
        assertEquals("not_found", page.evaluate("() => outcome(pagewire.open('/nowhere').opened).then((o) => o.code)"));
        assertEquals("connected", page.evaluate("() => pagewire.state"));
    }

    @Test
    void aChannelToAnotherOriginGetsAConnectionOfItsOwnWhenThatOriginAllowsThePage() throws Exception {
        PagewireServer pageServer = serve(s -> {});
        String pageOrigin = "http://127.0.0.1:" + pageServer.port();
        PagewireServer friend = serve(s -> s.allowOrigins(pageOrigin));
        PagewireServer stranger = serve(s -> {});
        Page page = open(pageServer, "");

        page.evaluate("(url) => { window.remote = openEcho(url, 7); }", friend.uri().resolve("/echo").toString());
        assertEquals("open", page.evaluate("() => remote.opened.then((c) => c.state)"));
        page.evaluate("() => remote.emit('say', 'far')");
        page.waitForFunction("() => heard.includes('7:far')");
        assertEquals(Map.of("value", 7), page.evaluate("() => outcome(remote.call('who'))"));

        assertEquals(Map.of("code", "origin", "reason", stranger.uri().resolve("/").toString().replaceAll("/$", "")
                        + " did not allow this origin (CORS), or is unreachable"),
                page.evaluate("(url) => outcome(pagewire.open(url).opened)", stranger.uri().resolve("/echo").toString()));

        page.evaluate("() => remote.close()");
        assertEquals(7, closedChannels.poll(10, TimeUnit.SECONDS), "the remote endpoint's close hook ran");
        assertEquals("connected", page.evaluate("() => pagewire.state"));
    }
}
