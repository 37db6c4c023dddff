package dev.pagewire.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.servlet.testing.RunningServer;
import dev.pagewire.servlet.testing.Servers;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Servlet adapter in real containers, at its seam: each kind of Pagewire request through the
 * filter, and the application's own requests past it, on Tomcat and Jetty (and Netty beside them,
 * the same assertions).
 */
class ServletAdapterTest {

    private static final Pattern TOKEN = Pattern.compile("data-pagewire-token=\"([^\"]+)\"");
    private static final Pattern CONN = Pattern.compile("\\[\"open\",\"([^\"]+)\"\\]");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private Pagewire app;
    private RunningServer server;

    /** The application's own servlet: a view rendered by its own code, and a plain text page. */
    private static final class AppServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (request.getRequestURI().startsWith("/orders/")) {
                Page page = PagewireFilter.page(request);
                page.on("say", e -> page.emit("said", e.data()));
                response.setContentType("text/html; charset=utf-8");
                response.getWriter()
                        .write("<!doctype html><html><head><title>order</title></head><body>é</body></html>");
            } else if (request.getRequestURI().equals("/plain")) {
                response.setContentType("text/plain; charset=utf-8");
                response.setContentLength(6);
                response.getWriter().write("plain\n");
            } else {
                response.sendError(404);
            }
        }
    }

    private void start(Servers kind) {
        app = Pagewire.create(s -> s.pollTimeout(Duration.ofMillis(500)));
        app.page("/chat", (request, page) -> {
            page.on("say", e -> page.emit("said", e.data()));
            return "<html><head></head><body>chat</body></html>";
        });
        app.endpoint("/stats", channel -> channel.emit("hello", "stats"));
        server = kind.start(app, Servers.Options.defaults().withServlet(new AppServlet()));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(server.uri().resolve(path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(server.uri().resolve(path))
                        .timeout(WAIT)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String token(String html) {
        Matcher m = TOKEN.matcher(html);
        assertTrue(m.find(), "no token in " + html);
        return m.group(1);
    }

    private String render(String path) throws Exception {
        HttpResponse<String> page = get(path);
        assertEquals(200, page.statusCode(), page.body());
        return token(page.body());
    }

    private final java.util.List<AutoCloseable> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void closeSockets() throws Exception {
        for (AutoCloseable socket : sockets) {
            socket.close();
        }
    }

    private TestSocket webSocket(String pathAndQuery) throws Exception {
        try {
            TestSocket socket = TestSocket.open(URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery), null);
            sockets.add(socket);
            return socket;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h) {
                throw new AssertionError(
                        "handshake refused: " + h.getResponse().statusCode() + " "
                                + h.getResponse().body(),
                        e);
            }
            throw e;
        }
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void aPageRouteRendersWithItsClientAndTheClientFilesAreServed(Servers kind) throws Exception {
        start(kind);
        HttpResponse<String> page = get("/chat");
        assertEquals(200, page.statusCode());
        Matcher src = Pattern.compile("<script type=\"module\" src=\"(/_pagewire/client\\.[0-9a-f]{16}\\.js)\"")
                .matcher(page.body());
        assertTrue(src.find(), page.body());
        for (String method : new String[] {"GET", "HEAD"}) {
            HttpResponse<byte[]> bundle = http.send(
                    HttpRequest.newBuilder(server.uri().resolve(src.group(1)))
                            .method(method, HttpRequest.BodyPublishers.noBody())
                            .header("Accept-Encoding", "gzip")
                            .timeout(WAIT)
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, bundle.statusCode(), method);
            assertEquals("gzip", bundle.headers().firstValue("content-encoding").orElse(""), method);
            assertEquals(
                    "public, max-age=31536000, immutable",
                    bundle.headers().firstValue("cache-control").orElse(""),
                    method);
            assertEquals(method.equals("GET"), bundle.body().length > 0, method);
        }
        HttpResponse<String> client = get("/_pagewire/client.js");
        assertEquals(200, client.statusCode());
        assertTrue(client.headers().firstValue("content-type").orElse("").startsWith("text/javascript"));
    }

    @ParameterizedTest
    @EnumSource(
            value = Servers.class,
            names = {"TOMCAT", "JETTY"})
    void theApplicationsOwnRequestsPassThroughUntouched(Servers kind) throws Exception {
        start(kind);
        HttpResponse<String> plain = get("/plain");
        assertEquals(200, plain.statusCode());
        assertEquals("plain\n", plain.body());
        assertEquals("6", plain.headers().firstValue("content-length").orElse(""));
        assertEquals(404, get("/nowhere").statusCode());
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void eventsTravelBothWaysOverWebSocket(Servers kind) throws Exception {
        start(kind);
        String token = render("/chat");
        TestSocket ws = webSocket("/chat?pagewire=" + token);
        assertTrue(ws.nextText().startsWith("[\"hello\""));
        ws.send("[\"ev\",\"say\",\"hi\",1]");
        assertTrue(ws.nextText().startsWith("[\"ev\",\"said\",\"hi\""));
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void aWebSocketWithAForgedTokenIsClosedWith4401(Servers kind) throws Exception {
        start(kind);
        TestSocket ws = webSocket("/chat?pagewire=v1.forged");
        assertEquals(new TestSocket.Closed(4401, "invalid page token"), ws.awaitClose());
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void aForeignOriginIsRefused(Servers kind) throws Exception {
        start(kind);
        String token = render("/chat");
        HttpResponse<String> refused = http.send(
                HttpRequest.newBuilder(server.uri().resolve("/chat?pagewire=" + token + "&transport=longpolling"))
                        .header("Origin", "https://evil.example")
                        .timeout(WAIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, refused.statusCode());
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void longPollingCarriesEventsBothWays(Servers kind) throws Exception {
        start(kind);
        String token = render("/chat");
        String base = "/chat?pagewire=" + token;
        HttpResponse<String> opened = get(base + "&transport=longpolling");
        assertEquals(200, opened.statusCode());
        Matcher m = CONN.matcher(opened.body());
        assertTrue(m.find(), opened.body());
        String conn = m.group(1);
        var poll = http.sendAsync(
                HttpRequest.newBuilder(server.uri().resolve(base + "&conn=" + conn))
                        .timeout(WAIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(
                204, post(base + "&conn=" + conn, "[\"ev\",\"say\",\"lp\",1]").statusCode());
        String delivered = poll.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).body();
        for (int i = 0; i < 5 && !delivered.contains("said"); i++) {
            delivered = get(base + "&conn=" + conn).body(); // an empty answer may come first
        }
        assertTrue(delivered.contains("[\"ev\",\"said\",\"lp\""), delivered);
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void sseStreamsFramesAsTheyAreSent(Servers kind) throws Exception {
        start(kind);
        String token = render("/chat");
        String base = "/chat?pagewire=" + token;
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpResponse<Stream<String>> sse = http.send(
                HttpRequest.newBuilder(server.uri().resolve(base + "&transport=sse"))
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        assertTrue(sse.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        Thread reader = Thread.ofVirtual().start(() -> sse.body().forEach(lines::add));
        sockets.add(reader::interrupt);
        String conn = null;
        while (conn == null) {
            String line = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(line != null, "no open frame");
            Matcher m = CONN.matcher(line);
            if (m.find()) {
                conn = m.group(1);
            }
        }
        assertEquals(
                204, post(base + "&conn=" + conn, "[\"ev\",\"say\",\"sse\",1]").statusCode());
        String line;
        do {
            line = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(line != null, "no said event on the stream");
        } while (!line.startsWith("data: [\"ev\",\"said\",\"sse\""));
    }

    @ParameterizedTest
    @EnumSource(
            value = Servers.class,
            names = {"TOMCAT", "JETTY"})
    void aViewRenderedByTheApplicationGetsItsPageAndItsChannel(Servers kind) throws Exception {
        start(kind);
        HttpResponse<String> view = get("/orders/42");
        assertEquals(200, view.statusCode());
        assertTrue(view.body().startsWith("<!doctype html><html><head><script type=\"module\""), view.body());
        assertTrue(view.body().endsWith("<title>order</title></head><body>é</body></html>"), view.body());
        assertEquals(
                String.valueOf(view.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length),
                view.headers().firstValue("content-length").orElse(""));
        TestSocket ws = webSocket("/orders/42?pagewire=" + token(view.body()));
        assertTrue(ws.nextText().startsWith("[\"hello\""));
        ws.send("[\"ev\",\"say\",\"own\",1]");
        assertTrue(ws.nextText().startsWith("[\"ev\",\"said\",\"own\""));
    }

    @ParameterizedTest
    @EnumSource(
            value = Servers.class,
            names = {"TOMCAT", "JETTY"})
    void installingAfterTheContextStartedFailsLoudly(Servers kind) throws Exception {
        jakarta.servlet.ServletContext[] context = new jakarta.servlet.ServletContext[1];
        app = Pagewire.create();
        server = kind.start(app, Servers.Options.defaults().withServlet(new HttpServlet() {
            @Override
            public void init() {
                context[0] = getServletContext();
            }
        }));
        assertEquals(405, get("/anything").statusCode(), "a servlet without doGet: initialised by now");
        IllegalStateException late = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> PagewireFilter.install(context[0], app));
        assertTrue(late.getMessage().startsWith("PagewireFilter.install came too late"), late.getMessage());
        assertTrue(late.getMessage().contains("ServletContextListener"), late.getMessage());
    }

    @org.junit.jupiter.api.Test
    void pageOutsideTheFilterSaysHowToInstallIt() {
        HttpServletRequest request = (HttpServletRequest) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRequestURI" -> "/x";
                    case "getAttribute" -> null;
                    default -> null;
                });
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> PagewireFilter.page(request));
        assertTrue(e.getMessage().contains("PagewireFilter.install(servletContext, app)"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void anEndpointOpensOverPost(Servers kind) throws Exception {
        start(kind);
        HttpResponse<String> opened = http.send(
                HttpRequest.newBuilder(server.uri().resolve("/stats"))
                        .header("Content-Type", "application/json")
                        .timeout(WAIT)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"params\":{}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, opened.statusCode(), opened.body());
        assertTrue(opened.body().contains("\"token\":\"v1."), opened.body());
    }
}
