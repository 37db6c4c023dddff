package dev.pagewire.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Page;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.Nginx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway in Chromium (docs/GATEWAY.md), in front of a backend that only speaks HTTP (the JDK's
 * server standing in for PHP): the page it renders talks to its webhooks over a WebSocket, over SSE
 * when WebSockets are refused, over long-polling behind a buffering proxy; calls get replies; an
 * endpoint is a backend URL; and an emit the backend makes while it renders arrives once the page
 * connects.
 */
class GatewayInBrowserTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private static final String SECRET = "browser-test-secret-0123456789abcdef0123";
    private static final ObjectMapper json = new ObjectMapper();
    private static final HttpClient http = HttpClient.newHttpClient();

    private static final String HTML = """
        <!doctype html>
        <html><head><title>gateway</title></head><body>
        <script type="module">
          const pagewire = window.pagewire;
          window.got = [];
          pagewire.page.on('echo', (n) => window.got.push('echo ' + n));
          pagewire.page.on('early', (s) => window.got.push('early ' + s));
          window.send = (n) => pagewire.page.emit('say', n);
          window.ask = (n) => pagewire.page.call('double', n);
          window.openFeed = () => new Promise((resolve) => {
            const feed = pagewire.open('/feed', { room: 'blue' });
            feed.on('hello', (s) => resolve(s));
          });
        </script>
        </body></html>
        """;

    private HttpServer backend;
    private PagewireGateway gateway;

    @BeforeEach
    void startBackend() throws IOException {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        backend.createContext("/", this::serve);
        backend.start();
    }

    private void startGateway(Consumer<dev.pagewire.netty.ServerSettings.Builder> server) {
        gateway = PagewireGateway.start(GatewaySettings.builder(
                        URI.create("http://127.0.0.1:" + backend.getAddress().getPort()), SECRET)
                .server(s -> s.host("127.0.0.1").port(0))
                .server(server)
                .build());
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        backend.stop(0);
    }

    @Test
    void aBackendsPageTalksToItsWebhooksOverAWebSocket() {
        startGateway(s -> {});
        Page page = open(URI.create("http://127.0.0.1:" + gateway.port() + "/"));
        assertEquals("websocket", page.evaluate("() => window.pagewire.transport"));
        exchange(page);
    }

    @Test
    void withWebSocketsRefusedItFallsBackToSse() {
        startGateway(s -> s.webSocket(false));
        Page page = open(URI.create("http://127.0.0.1:" + gateway.port() + "/"));
        assertEquals("sse", page.evaluate("() => window.pagewire.transport"));
        exchange(page);
    }

    @Test
    void behindABufferingProxyItLongPolls() {
        startGateway(s -> {});
        try (Nginx nginx = Nginx.start(Nginx.Mode.BUFFERING, new InetSocketAddress("127.0.0.1", gateway.port()))) {
            Page page = open(nginx.uri());
            page.waitForFunction(
                    "() => window.pagewire.transport === 'longpolling'",
                    null,
                    new Page.WaitForFunctionOptions().setTimeout(30_000));
            exchange(page);
        }
    }

    @Test
    void anEndpointIsABackendUrl() {
        startGateway(s -> {});
        Page page = open(URI.create("http://127.0.0.1:" + gateway.port() + "/"));
        assertEquals("hello blue", page.evaluate("() => window.openFeed()"));
    }

    @Test
    void anotherSitesPageCannotOpenAChannelThroughTheGateway() {
        startGateway(s -> {});
        // The gateway's own page, reached as localhost: an origin and a site other than 127.0.0.1's.
        Page page = open(URI.create("http://localhost:" + gateway.port() + "/"));
        String own = "ws://localhost:" + gateway.port() + "/?pagewire=v1.forged";
        String other = "ws://127.0.0.1:" + gateway.port() + "/?pagewire=v1.forged";
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> codes = (java.util.Map<String, Object>) page.evaluate("""
            async ([own, other]) => {
              const close = (url) => new Promise((resolve) => {
                const ws = new WebSocket(url);
                ws.onclose = (e) => resolve(e.code);
              });
              return {own: await close(own), other: await close(other)};
            }
            """, List.of(own, other));
        // Same origin: past the origin check, refused for the forged token (4401), never forwarded.
        // Cross-site: the handshake itself is refused (403), which a browser reports as 1006.
        assertEquals(4401, ((Number) codes.get("own")).intValue(), codes.toString());
        assertEquals(1006, ((Number) codes.get("other")).intValue(), codes.toString());
    }

    @Test
    void aPageWhoseGatewayRestartedRendersAnew() {
        startGateway(s -> {});
        int port = gateway.port();
        Page page = open(URI.create("http://127.0.0.1:" + port + "/"));
        String before = (String) page.evaluate("() => window.pagewire.pageId");
        gateway.close();
        // A new process would have a new token secret: the page's token is refused (4401), and it
        // reloads (reloadOnExpired, which the gateway turns on), getting a page of the new gateway.
        startGateway(s -> s.port(port));
        page.waitForFunction(
                "(before) => window.pagewire && window.pagewire.state === 'connected'"
                        + " && window.pagewire.pageId !== before",
                before,
                new Page.WaitForFunctionOptions().setTimeout(60_000));
        exchange(page);
    }

    private static Page open(URI uri) {
        Page page = chromium.newContext().newPage();
        page.navigate(uri.toString());
        page.waitForFunction(
                "() => window.pagewire && window.pagewire.state === 'connected'",
                null,
                new Page.WaitForFunctionOptions().setTimeout(30_000));
        return page;
    }

    /** An emit the backend made while rendering, an event answered with an emit, a call with a reply. */
    private static void exchange(Page page) {
        page.evaluate("() => window.send(7)");
        page.waitForFunction(
                "() => window.got.length >= 2", null, new Page.WaitForFunctionOptions().setTimeout(30_000));
        assertEquals(List.of("early rendered", "echo 7"), page.evaluate("() => window.got"));
        assertEquals(42, ((Number) page.evaluate("() => window.ask(21)")).intValue());
    }

    private void serve(HttpExchange e) throws IOException {
        byte[] body = e.getRequestBody().readAllBytes();
        String path = e.getRequestURI().getPath();
        if (e.getRequestMethod().equals("GET")) {
            String id = e.getRequestHeaders().getFirst("Pagewire-Page-Id");
            String api = e.getRequestHeaders().getFirst("Pagewire-Api");
            if (id != null && api != null) {
                // While it renders: the page exists, its browser has not connected yet.
                publish(api, "{\"op\":\"emit\",\"page\":\"" + id + "\",\"event\":\"early\",\"data\":\"rendered\"}");
            }
            respond(e, 200, "text/html; charset=utf-8", HTML);
            return;
        }
        JsonNode hook = json.readTree(body);
        String answer = switch (hook.path("type").asText()) {
            case "event" -> "{\"emit\":[{\"event\":\"echo\",\"data\":" + hook.path("data") + "}]}";
            case "call" -> "{\"reply\":" + hook.path("args").asInt() * 2 + "}";
            case "open" ->
                path.equals("/feed")
                        ? "{\"join\":[\"feed\"],\"emit\":[{\"event\":\"hello\",\"data\":\"hello "
                                + hook.path("params").path("room").asText() + "\"}]}"
                        : null;
            default -> "{}";
        };
        if (answer == null) {
            respond(e, 404, "text/plain", "no endpoint");
        } else {
            respond(e, 200, "application/json", answer);
        }
    }

    private static void publish(String api, String body) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(api))
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .header("Pagewire-Signature", TestSignatures.signNow(SECRET, body))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("the publish API answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void respond(HttpExchange e, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().add("Content-Type", type);
        e.sendResponseHeaders(status, bytes.length);
        e.getResponseBody().write(bytes);
        e.close();
    }
}
