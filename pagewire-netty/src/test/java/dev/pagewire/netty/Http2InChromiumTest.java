package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.EchoApp;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chromium on the embedded server over HTTPS: the page comes over HTTP/2, its WebSocket opens on an
 * HTTP/1.1 connection of its own (the server offers no WebSocket over HTTP/2), and with WebSockets
 * refused, more tabs than HTTP/1.1's six connections per origin stay connected over SSE at once.
 */
class Http2InChromiumTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @TempDir
    static Path certificates;

    private static DevCertificate certificate;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void makeCertificate() {
        certificate = DevCertificate.generate(certificates);
    }

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

    private PagewireServer serve(EchoApp app, Consumer<ServerSettings.Builder> settings) {
        return closeLater(PagewireServer.start(app.app, s -> {
            s.host("127.0.0.1").port(0).tls(certificate.certificateFile(), certificate.privateKeyFile());
            settings.accept(s);
        }));
    }

    private static BrowserContext trustingContext() {
        return chromium.newContext(new Browser.NewContextOptions().setIgnoreHTTPSErrors(true));
    }

    private static String protocolOf(Page page) {
        return (String) page.evaluate("() => performance.getEntriesByType('navigation')[0].nextHopProtocol");
    }

    @Test
    void aPageComesOverH2AndItsWebSocketOverHttp11() throws Exception {
        EchoApp app = closeLater(new EchoApp(s -> {}));
        PagewireServer server = serve(app, s -> {});
        Page page = trustingContext().newPage();

        // The protocol refuses a WebSocket handshake that is not HTTP/1.1, so "websocket" here means
        // Chromium opened it on an HTTP/1.1 connection beside the page's h2 one.
        String transport = app.connectAndExchange(page, URI.create(server.uri() + EchoApp.PATH.substring(1)));

        assertEquals("h2", protocolOf(page));
        assertEquals("websocket", transport);
    }

    @Test
    void moreThanSixTabsStayConnectedOverSseOnOneH2Connection() throws Exception {
        EchoApp app = closeLater(new EchoApp(s -> {}));
        // Two connections from loopback (Chromium may open a spare one beside the page's; with one
        // allowed, the page's own connection was once the one refused): eight tabs on SSE over
        // HTTP/1.1 would need eight, so their requests must share the h2 connection. The first
        // tab's WebSocket attempt is refused (403, or no connection left), and the client falls
        // back to SSE (and remembers that for the other tabs).
        PagewireServer server = serve(app, s -> s.webSocket(false).maxConnectionsPerPrivateAddress(2));
        BrowserContext browser = trustingContext();
        URI uri = URI.create(server.uri() + EchoApp.PATH.substring(1));
        int tabs = 8;

        List<Page> pages = new ArrayList<>();
        List<dev.pagewire.Page> serverPages = new ArrayList<>();
        for (int i = 0; i < tabs; i++) {
            Page tab = browser.newPage();
            tab.navigate(uri.toString());
            tab.waitForFunction(
                    "() => window.pagewire && window.pagewire.state === 'connected'",
                    null,
                    new Page.WaitForFunctionOptions().setTimeout(20_000));
            pages.add(tab);
            serverPages.add(app.nextPage());
        }
        for (int i = 0; i < tabs; i++) {
            serverPages.get(i).emit("news", "tab " + i);
        }

        for (int i = 0; i < tabs; i++) {
            Page tab = pages.get(i);
            tab.waitForFunction("() => got.length === 1");
            assertEquals(List.of(List.of("news", "tab " + i)), tab.evaluate("() => got"));
            assertEquals("connected", tab.evaluate("() => pagewire.state"), "tab " + i);
            assertEquals("sse", tab.evaluate("() => pagewire.transport"), "tab " + i);
            assertEquals("h2", protocolOf(tab), "tab " + i);
            assertEquals("sse", serverPages.get(i).transport(), "tab " + i);
        }
        // And up again from the last tab, while all the others hold their streams.
        pages.get(tabs - 1).evaluate("() => pagewire.page.emit('echo', 'last')");
        pages.get(tabs - 1).waitForFunction("() => got.length === 2");
    }
}
