package dev.pagewire.netty.testing;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves the browser test support works on this machine: a real Chromium loads pages from a
 * local server, runs module scripts, keeps cookies per context, and a test can wait for what a
 * page sends the server.
 */
class ChromiumSmokeTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    /** Bodies posted to {@code /ping}, written by server threads and read by the test. */
    private static final Queue<String> pings = new ConcurrentLinkedQueue<>();

    private static ExecutorService executor;
    private static HttpServer server;
    private static String origin;

    @BeforeAll
    static void startServer() throws IOException {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> respond(exchange, 200, "text/html", """
            <!doctype html>
            <title>smoke</title>
            <p id="out">not run</p>
            <script type="module" src="/app.js"></script>
            """));
        // Module scripts only run when served with a JavaScript MIME type.
        server.createContext(
                "/app.js",
                exchange -> respond(
                        exchange,
                        200,
                        "text/javascript",
                        "document.querySelector('#out').textContent = 'written by a module';\n"));
        server.createContext("/login", exchange -> {
            exchange.getResponseHeaders().add("Set-Cookie", "visitor=alice; Path=/; HttpOnly");
            respond(exchange, 200, "text/html", "<!doctype html><p id=\"status\">logged in</p>");
        });
        // Echoes the Cookie header the browser sent, so the test sees what the server would see.
        server.createContext("/whoami", exchange -> {
            String cookie =
                    Objects.requireNonNullElse(exchange.getRequestHeaders().getFirst("Cookie"), "no cookie");
            respond(exchange, 200, "text/html", "<!doctype html><p id=\"cookie\">" + escapeHtml(cookie) + "</p>");
        });
        // Records what pages post in the background, for tests that wait on server-side state.
        server.createContext("/ping", exchange -> {
            try (var body = exchange.getRequestBody()) {
                pings.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        origin = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop(0);
        }
        if (executor != null) {
            executor.close();
        }
    }

    @Test
    void moduleScriptWritesIntoThePage() {
        Page page = chromium.newContext().newPage();

        page.navigate(origin + "/");

        assertThat(page.locator("#out")).hasText("written by a module");
    }

    @Test
    void pagesInOneContextAreDistinctButShareCookies() {
        BrowserContext context = chromium.newContext();
        Page first = context.newPage();
        Page second = context.newPage();

        first.navigate(origin + "/login");
        assertThat(first.locator("#status")).hasText("logged in");
        first.evaluate("window.mark = 'first'");
        second.navigate(origin + "/whoami");

        assertNotSame(first, second);
        assertEquals(List.of(first, second), context.pages());
        assertEquals("undefined", second.evaluate("typeof window.mark"), "pages share no globals");
        assertThat(second.locator("#cookie")).hasText("visitor=alice");
    }

    @Test
    void separateContextsShareNoCookies() {
        Page loggedIn = chromium.newContext().newPage();
        loggedIn.navigate(origin + "/login");
        assertThat(loggedIn.locator("#status")).hasText("logged in");

        Page stranger = chromium.newContext().newPage();
        stranger.navigate(origin + "/whoami");

        assertThat(stranger.locator("#cookie")).hasText("no cookie");
    }

    @Test
    void serverSeesWhatThePageSendsInTheBackground() {
        Page page = chromium.newContext().newPage();
        page.navigate(origin + "/");

        // Not awaited by the page: only the server can tell when it has arrived.
        page.evaluate("void fetch('/ping', {method: 'POST', body: 'hello from the page'})");

        Wait.await(
                Duration.ofSeconds(5),
                "the server to receive the page's ping",
                () -> pings.contains("hello from the page"));
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
