package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.netty.internal.NettyServer;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.Protocol;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client in a real Chromium: a page fetches it in one request, and a later page of the same
 * site fetches nothing at all, because the bundle's URL names its content and the server lets
 * browsers keep it for a year (docs/CLIENT.md, "How the client is served").
 *
 * <p>The server counts what reaches it: Playwright reports a file the browser took from its own
 * cache as a request too, so only the server can tell that none was made.
 */
class ClientCacheInBrowserTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private Pagewire app;
    private NettyServer server;
    /** The target of every request that reached the server, in arrival order. */
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        app = Pagewire.create(s -> {});
        app.page("/p", (request, page) -> {
            page.on("ping", e -> page.emit("pong", e.data()));
            return "<!doctype html><html><head><title>p</title></head><body>p</body></html>";
        });
        server = NettyServer.start(
                new Counting(Protocol.of(app), received),
                ServerSettings.builder().host("127.0.0.1").port(0).build());
    }

    @AfterEach
    void stop() {
        server.close();
        app.close();
    }

    /** Opens the page in {@code page} by a new navigation and waits until its channel carries an answer. */
    private static void view(Page page, String url) {
        page.navigate(url);
        Object pong = page.evaluate("""
            () => new Promise((resolve) => {
              window.pagewire.page.once('pong', resolve);
              window.pagewire.page.emit('ping', 'live');
            })\
            """);
        assertEquals("live", pong);
    }

    @Test
    void aSecondPageViewMakesNoRequestForTheClient() {
        BrowserContext context = chromium.newContext();
        Page page = context.newPage();
        List<String> asked = new CopyOnWriteArrayList<>();
        page.onRequest(request -> asked.add(request.url()));
        String url = server.uri().resolve("/p").toString();

        view(page, url);
        List<String> first = clientFiles(received);
        assertEquals(1, first.size(), "one request for the whole client: " + received);
        assertTrue(first.get(0).matches("/_pagewire/client\\.[0-9a-f]{16}\\.js"), first.get(0));
        assertEquals(1, clientFiles(asked).size(), "the browser asked for the client once: " + asked);

        received.clear();
        // A new navigation, not a reload: a reload asks the server again even for fresh files.
        view(page, url);
        assertEquals(List.of(), clientFiles(received), "every request of the second view: " + received);
        assertTrue(received.contains("/p"), "the page itself was fetched again: " + received);
    }

    @Test
    void codeThatImportsTheModulesByHandGetsThePagesClient() {
        Page page = chromium.newContext().newPage();
        view(page, server.uri().resolve("/p").toString());
        Object same = page.evaluate("""
            async () => {
              const modules = await import('/_pagewire/client.js');
              const bundle = await import(document.querySelector('script[data-pagewire-token]').src);
              return modules.default === window.pagewire && bundle.default === window.pagewire;
            }\
            """);
        // Had the modules opened a channel of their own, window.pagewire would be theirs, not the bundle's.
        assertEquals(true, same, "the page has one client, whichever copy of the client is asked");
    }

    private static List<String> clientFiles(List<String> targets) {
        return targets.stream().filter(t -> t.contains("/_pagewire/")).toList();
    }

    /** The application's protocol, noting the target of every request it is handed. */
    private record Counting(Protocol app, List<String> received) implements Protocol {

        @Override
        public boolean handle(HttpExchange exchange) {
            received.add(exchange.target());
            return app.handle(exchange);
        }

        @Override
        public Settings settings() {
            return app.settings();
        }

        @Override
        public boolean claims(HttpExchange exchange) {
            return app.claims(exchange);
        }

        @Override
        public void batchHandlerStarts(Executor endOfPass) {
            app.batchHandlerStarts(endOfPass);
        }

        @Override
        public String clientScript(dev.pagewire.Page page, String contextPath) {
            return app.clientScript(page, contextPath);
        }

        @Override
        public String injectClient(String html, dev.pagewire.Page page, String contextPath) {
            return app.injectClient(html, page, contextPath);
        }
    }
}
