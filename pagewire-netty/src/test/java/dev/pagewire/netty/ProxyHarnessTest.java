package dev.pagewire.netty;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.Haproxy;
import dev.pagewire.netty.testing.LoopbackProcess;
import dev.pagewire.netty.testing.Nginx;
import dev.pagewire.netty.testing.Squid;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.netty.testing.Wait;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Proves the proxy launchers in {@code dev.pagewire.netty.testing} start real nginx, squid and
 * HAProxy processes that behave as the end-to-end tests rely on: what passes, what is held back,
 * what is refused, what times out.
 */
class ProxyHarnessTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(DEADLINE).build();
    /** An event stream's first chunk: padding for intermediaries that wait for a few KiB. */
    private static final String PADDING = ":" + " ".repeat(2048) + "\n\n";

    /** Events each {@code /stream?id=…} has written so far, by id. */
    private static final Map<String, AtomicInteger> eventsSent = new ConcurrentHashMap<>();

    private static ExecutorService executor;
    private static ScheduledExecutorService ticker;
    private static HttpServer backend;
    private static Pagewire app;
    private static PagewireServer pagewire;
    /** Shared by the squid tests, started by the first: squid takes a second or two to stop. */
    private static Squid squid;

    @BeforeAll
    static void startBackends() throws IOException {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        ticker = Executors.newSingleThreadScheduledExecutor();
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.setExecutor(executor);
        backend.createContext("/hello", exchange -> {
            byte[] body = "<!doctype html><p id=\"greeting\">hello</p>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        backend.createContext("/stream", ProxyHarnessTest::stream);
        backend.start();

        app = Pagewire.create();
        app.page("/p", (request, page) -> {
            page.on("echo", e -> page.emit("echoed", e.data()));
            return "<html><head><title>p</title></head><body>p</body></html>";
        });
        pagewire = PagewireServer.start(app, s -> s.host("127.0.0.1").port(0));
    }

    @AfterAll
    static void stopBackends() {
        if (squid != null) {
            squid.close();
        }
        if (pagewire != null) {
            pagewire.close();
        }
        if (app != null) {
            app.close();
        }
        if (backend != null) {
            backend.stop(0);
        }
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (executor != null) {
            executor.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Nginx.Mode.class)
    void nginxForwardsAGetInEveryMode(Nginx.Mode mode) throws Exception {
        try (Nginx nginx = Nginx.start(mode, backend.getAddress())) {
            HttpResponse<String> response = get(nginx.uri().resolve("/hello"));

            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("hello"), response.body());
        }
    }

    @Test
    void closeStopsNginxAndDeletesItsDirectory() throws Exception {
        Nginx nginx = Nginx.start(Nginx.Mode.PLAIN, backend.getAddress());
        Path dir = nginx.config().getParent();

        nginx.close();

        assertFalse(Files.exists(dir), dir + " is left behind");
        try (Socket socket = new Socket()) {
            assertThrows(
                    ConnectException.class, () -> socket.connect(new InetSocketAddress("127.0.0.1", nginx.port())));
        }
    }

    @Test
    void aProgramThatExitsAtStartFailsWithItsLogAndLeavesNothingBehind() {
        AtomicReference<Path> dir = new AtomicReference<>();
        Path nginx = LoopbackProcess.executable("PAGEWIRE_NGINX", Nginx.DEFAULT_EXECUTABLE);

        Throwable failure = assertThrows(
                Throwable.class,
                () -> LoopbackProcess.start("nginx", nginx, "nginx", List.of("error.log"), (d, port) -> {
                    dir.set(d);
                    Files.writeString(d.resolve("nginx.conf"), "no_such_directive on;\n");
                    return List.of(
                            nginx.toString(),
                            "-p",
                            d.toString(),
                            "-c",
                            "nginx.conf",
                            "-e",
                            d.resolve("error.log").toString(),
                            "-g",
                            "daemon off;");
                }));
        if (failure instanceof TestAbortedException missing) {
            throw missing;
        }

        assertInstanceOf(AssertionFailedError.class, failure);
        assertTrue(failure.getMessage().contains("nginx exited with code 1 before listening"), failure.getMessage());
        assertTrue(failure.getMessage().contains("unknown directive \"no_such_directive\""), failure.getMessage());
        assertFalse(Files.exists(dir.get()), dir.get() + " is left behind");
    }

    @Test
    void bufferingNginxHoldsBackAStreamedResponseUntilItEnds() throws Exception {
        try (Nginx nginx = Nginx.start(Nginx.Mode.BUFFERING, backend.getAddress());
                RawResponse response = RawResponse.get(nginx.port(), "/stream?events=15&id=", true)) {
            Wait.await(
                    DEADLINE,
                    "the backend to stream ten events",
                    () -> response.streamed().get() >= 10);

            // A second after the first event left the backend: a streaming proxy would have passed it.
            assertFalse(response.readAvailable().contains("data:"), "the stream passed at once: " + response.text());

            response.readUntil("data: 14\n");
            assertTrue(response.text().contains(PADDING), "the padding, held back too, arrives in the end");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"PLAIN", "WEBSOCKET"})
    void nginxPassesAStreamedResponseAtOnceWhenTheBackendSaysXAccelBufferingNo(Nginx.Mode mode) throws Exception {
        try (Nginx nginx = Nginx.start(mode, backend.getAddress());
                RawResponse response = RawResponse.get(nginx.port(), "/stream?events=100&id=", true)) {
            response.readUntil("data: 0\n");

            assertTrue(response.streamed().get() < 100, "the first event arrived while the stream went on");
        }
    }

    @Test
    void plainNginxHoldsBackAStreamedResponseWithoutXAccelBufferingNo() throws Exception {
        // nginx buffers by default, and asks the backend with HTTP/1.0, which rules out chunks.
        try (Nginx nginx = Nginx.start(Nginx.Mode.PLAIN, backend.getAddress());
                RawResponse response = RawResponse.get(nginx.port(), "/stream?events=15&id=", false)) {
            Wait.await(
                    DEADLINE,
                    "the backend to stream ten events",
                    () -> response.streamed().get() >= 10);

            assertFalse(response.readAvailable().contains("data:"), "the stream passed at once: " + response.text());
        }
    }

    @Test
    void squidForwardsAPlainGet() throws Exception {
        Squid squid = squid();
        HttpClient client = HttpClient.newBuilder()
                .proxy(squid.proxySelector())
                .connectTimeout(DEADLINE)
                .build();
        URI hello = URI.create("http://127.0.0.1:" + backend.getAddress().getPort() + "/hello?from=java");

        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(hello).timeout(DEADLINE).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("hello"), response.body());
        awaitLogged(squid, "TCP_MISS/200", "GET " + hello);
    }

    @Test
    void squidTunnelsAConnectToAnyPort() throws Exception {
        Squid squid = squid();
        String target = "127.0.0.1:" + backend.getAddress().getPort();
        try (Socket socket = new Socket()) {
            socket.connect(squid.address(), (int) DEADLINE.toMillis());
            socket.setSoTimeout((int) DEADLINE.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();

            out.write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String established = TestSocket.readHead(in);
            assertTrue(established.startsWith("HTTP/1.1 200"), established);

            // Now a raw TCP tunnel to the backend: speak HTTP to it directly.
            out.write(("GET /hello HTTP/1.1\r\nHost: " + target + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 200") && response.contains("hello"), response);
        }
        awaitLogged(squid, "TCP_TUNNEL/200", "CONNECT " + target); // Logged once the tunnel closed.
    }

    @Test
    void chromiumReachesALoopbackServerThroughSquidWithTheLoopbackBypassRuleRemoved() {
        Squid squid = squid();
        String hello = "http://127.0.0.1:" + backend.getAddress().getPort() + "/hello?from=chromium";
        Page page = chromium.newContext(new Browser.NewContextOptions().setProxy(squid.playwrightProxy()))
                .newPage();

        page.navigate(hello);

        assertThat(page.locator("#greeting")).hasText("hello");
        awaitLogged(squid, "TCP_MISS/200", "GET " + hello);
    }

    @Test
    void haproxyForwardsAGet() throws Exception {
        try (Haproxy haproxy = Haproxy.start(backend.getAddress())) {
            HttpResponse<String> response = get(haproxy.uri().resolve("/hello"));

            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("hello"), response.body());
        }
    }

    @Test
    void haproxyClosesAnIdleClientConnectionAfterItsClientTimeout() throws Exception {
        Duration timeout = Duration.ofSeconds(1);
        try (Haproxy haproxy = Haproxy.start(backend.getAddress(), Haproxy.Timeouts.of(timeout));
                Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", haproxy.port()), (int) DEADLINE.toMillis());
            socket.setSoTimeout((int) DEADLINE.toMillis());
            long start = System.nanoTime();

            // Sends nothing; HAProxy may say 408 before it closes.
            byte[] said = socket.getInputStream().readAllBytes();

            Duration idle = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(idle.compareTo(timeout.minusMillis(100)) >= 0, "closed after " + idle + ", before its timeout");
            String text = new String(said, StandardCharsets.ISO_8859_1);
            assertTrue(text.isEmpty() || text.startsWith("HTTP/1.1 408"), text);
        }
    }

    @Test
    void webSocketOpensThroughNginxInWebSocketMode() throws Exception {
        try (Nginx nginx = Nginx.start(Nginx.Mode.WEBSOCKET, pagewireAddress())) {
            assertEchoes(nginx.uri().resolve("/p"));
        }
    }

    @Test
    void webSocketOpensThroughHaproxy() throws Exception {
        try (Haproxy haproxy = Haproxy.start(pagewireAddress())) {
            assertEchoes(haproxy.uri().resolve("/p"));
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"PLAIN", "BUFFERING"})
    void webSocketHandshakeFailsThroughNginxWithoutUpgradeForwarding(Nginx.Mode mode) throws Exception {
        try (Nginx nginx = Nginx.start(mode, pagewireAddress())) {
            URI page = nginx.uri().resolve("/p");
            URI channel = TestSocket.channelUri(page, TestSocket.token(TestSocket.render(page)));

            ExecutionException failure = assertThrows(
                    ExecutionException.class,
                    () -> TestSocket.open(channel, null).close());

            assertInstanceOf(WebSocketHandshakeException.class, failure.getCause());
        }
    }

    private static void assertEchoes(URI page) throws Exception {
        try (TestSocket socket = TestSocket.openPage(page)) {
            assertTrue(socket.nextText().startsWith("[\"hello\""));
            socket.send("[\"ev\",\"echo\",\"through the proxy\"]");
            assertEquals("[\"ev\",\"echoed\",\"through the proxy\",1]", socket.nextText());
        }
    }

    private static Squid squid() {
        if (squid == null) {
            squid = Squid.start();
        }
        return squid;
    }

    private static InetSocketAddress pagewireAddress() {
        return new InetSocketAddress("127.0.0.1", pagewire.port());
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(DEADLINE).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitLogged(Squid squid, String result, String request) {
        Wait.await(
                DEADLINE,
                "squid to log " + result + " " + request,
                () -> squid.accessLogLines().stream()
                        .anyMatch(line -> line.contains(result) && line.contains(" " + request + " ")));
    }

    /**
     * {@code /stream?events=N&id=X[&accel=no]}: an event stream of a 2 KiB padding comment, then
     * {@code data: 0}, {@code data: 1}, … every 100 ms, N in all, then the end of the response.
     * Written by a scheduler, never by a sleeping thread; stops early if the client goes away.
     */
    private static void stream(HttpExchange exchange) throws IOException {
        Map<String, String> query = new ConcurrentHashMap<>();
        for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        int events = Integer.parseInt(query.get("events"));
        AtomicInteger sent = eventsSent.computeIfAbsent(query.get("id"), id -> new AtomicInteger());
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if ("no".equals(query.get("accel"))) {
            exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
        }
        exchange.sendResponseHeaders(200, 0); // Length unknown: chunked, or ended by closing on HTTP/1.0.
        OutputStream body = exchange.getResponseBody();
        body.write(PADDING.getBytes(StandardCharsets.US_ASCII));
        body.flush();
        ticker.schedule(() -> tick(exchange, body, sent, events), 100, TimeUnit.MILLISECONDS);
    }

    private static void tick(HttpExchange exchange, OutputStream body, AtomicInteger sent, int events) {
        try {
            if (sent.get() == events) {
                body.close();
                return;
            }
            body.write(("data: " + sent.get() + "\n\n").getBytes(StandardCharsets.US_ASCII));
            body.flush();
            sent.incrementAndGet();
            ticker.schedule(() -> tick(exchange, body, sent, events), 100, TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            exchange.close(); // The client went away: the proxy closed its side.
        }
    }

    /** A GET on a raw socket, to see exactly what has arrived and when. */
    private static final class RawResponse implements AutoCloseable {

        private final Socket socket;
        private final InputStream in;
        private final AtomicInteger streamed;
        private final StringBuilder text = new StringBuilder();

        private RawResponse(Socket socket, AtomicInteger streamed) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.streamed = streamed;
        }

        /** GETs {@code path} with a fresh stream id appended, optionally asking for {@code accel=no}. */
        static RawResponse get(int port, String path, boolean accelNo) throws IOException {
            String id = UUID.randomUUID().toString();
            AtomicInteger sent = eventsSent.computeIfAbsent(id, key -> new AtomicInteger());
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) DEADLINE.toMillis());
            String target = path + id + (accelNo ? "&accel=no" : "");
            socket.getOutputStream()
                    .write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new RawResponse(socket, sent);
        }

        /** How many events the backend has written for this request. */
        AtomicInteger streamed() {
            return streamed;
        }

        /** Everything received so far. */
        String text() {
            return text.toString();
        }

        /** Takes in what has already arrived, without waiting for more; returns all received. */
        String readAvailable() throws IOException {
            byte[] buffer = new byte[8192];
            while (in.available() > 0) {
                int n = in.read(buffer);
                text.append(new String(buffer, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1));
            }
            return text();
        }

        /** Reads until {@code marker} has been received, failing after the deadline. */
        void readUntil(String marker) throws IOException {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            byte[] buffer = new byte[8192];
            while (!text.toString().contains(marker)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("no " + marker.strip() + " within " + DEADLINE + "; received: " + text);
                }
                socket.setSoTimeout((int) left);
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (n < 0) {
                    throw new AssertionError("connection closed before " + marker.strip() + "; received: " + text);
                }
                text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
