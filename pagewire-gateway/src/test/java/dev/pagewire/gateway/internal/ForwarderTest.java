package dev.pagewire.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pagewire.Pagewire;
import dev.pagewire.gateway.GatewaySettings;
import dev.pagewire.netty.ServerSettings;
import dev.pagewire.netty.internal.NettyServer;
import dev.pagewire.netty.testing.RawHttp;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.spi.Protocol;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The forwarding side of the gateway against a real backend (the JDK's HTTP server, and raw sockets
 * where a backend must misbehave): everything that is not a page passes byte for byte, streams, and
 * keeps its order; navigations get their page's headers and script.
 */
class ForwarderTest {

    /** Long enough for a loaded two-core machine, short enough to fail a stuck test quickly. */
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(20);

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final String SCRIPT = "<script src=\"/_pagewire/x.js\"></script>";

    private static HttpServer backend;
    private static Pagewire app;
    private static NettyServer gateway;
    private static final Map<String, String> seen = new ConcurrentHashMap<>();
    private static final CountDownLatch release = new CountDownLatch(1);
    private static final FakeRenders renders = new FakeRenders();
    private static final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    @BeforeAll
    static void start() throws IOException {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        backend.createContext("/", ForwarderTest::serve);
        backend.start();
        app = Pagewire.create();
        gateway = startGateway(
                URI.create("http://127.0.0.1:" + backend.getAddress().getPort()), Duration.ofSeconds(30));
    }

    static NettyServer startGateway(URI backendUri, Duration backendTimeout) {
        GatewaySettings settings = GatewaySettings.builder(backendUri, SECRET)
                .backendTimeout(backendTimeout)
                .maxHtmlScanBytes(1024)
                .build();
        return NettyServer.start(
                Protocol.of(app),
                ServerSettings.builder().host("127.0.0.1").port(0).build(),
                new Forwarder(settings, renders));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        app.close();
        backend.stop(0);
    }

    private static void serve(HttpExchange e) throws IOException {
        String path = e.getRequestURI().getPath();
        seen.put(path, e.getRequestHeaders().entrySet().toString());
        byte[] body = e.getRequestBody().readAllBytes();
        switch (path) {
            case "/hello" -> {
                e.getResponseHeaders().add("Set-Cookie", "a=1; Path=/");
                e.getResponseHeaders().add("Set-Cookie", "b=2; Path=/");
                e.getResponseHeaders().add("X-Custom", "kept");
                e.getResponseHeaders().add("Pagewire-Context", "never to the browser");
                send(e, 200, "text/plain", "hello " + e.getRequestMethod());
            }
            case "/redirect" -> {
                e.getResponseHeaders().add("Location", "/elsewhere?x=1");
                e.sendResponseHeaders(302, -1);
                e.close();
            }
            case "/upload" -> send(e, 200, "text/plain", body.length + " " + sha256(body));
            case "/gzip" -> {
                e.getResponseHeaders().add("Content-Encoding", "gzip");
                e.getResponseHeaders().add("Content-Type", "text/html");
                e.sendResponseHeaders(200, GZIP.length);
                e.getResponseBody().write(GZIP);
                e.close();
            }
            case "/stream" -> {
                e.getResponseHeaders().add("Content-Type", "text/plain");
                e.sendResponseHeaders(200, 0); // chunked
                OutputStream out = e.getResponseBody();
                out.write("first|".getBytes(StandardCharsets.UTF_8));
                out.flush();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                out.write("second".getBytes(StandardCharsets.UTF_8));
                e.close();
            }
            case "/page" -> {
                e.getResponseHeaders().add("Pagewire-Join", "room");
                send(
                        e,
                        200,
                        "text/html; charset=utf-8",
                        "<!doctype html><html><head><title>t</title></head><body>hi</body></html>");
            }
            case "/split-page" -> {
                e.getResponseHeaders().add("Content-Type", "text/html");
                e.sendResponseHeaders(200, 0); // chunked: the tag arrives in two parts
                OutputStream out = e.getResponseBody();
                out.write("<!doctype html><html><he".getBytes(StandardCharsets.UTF_8));
                out.flush();
                out.write(
                        "ad lang=x><title>t</title></head><body>split</body></html>".getBytes(StandardCharsets.UTF_8));
                e.close();
            }
            case "/headless" -> send(e, 200, "text/html", "x".repeat(3000) + "<body>late</body>");
            case "/image" -> send(e, 200, "image/png", "not html");
            default -> send(e, 404, "text/plain", "no " + path);
        }
    }

    private static final byte[] GZIP = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 0, 0, 0};

    private static void send(HttpExchange e, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().add("Content-Type", type);
        e.sendResponseHeaders(status, e.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
        if (!e.getRequestMethod().equals("HEAD")) {
            e.getResponseBody().write(bytes);
        }
        e.close();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static URI url(String target) {
        return URI.create("http://127.0.0.1:" + gateway.port() + target);
    }

    private static HttpResponse<byte[]> get(String target, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url(target)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aResponsePassesWithItsHeadersAndCookiesButWithoutPagewireHeaders() throws Exception {
        HttpResponse<byte[]> r = get("/hello");
        assertEquals(200, r.statusCode());
        assertEquals("hello GET", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(List.of("a=1; Path=/", "b=2; Path=/"), r.headers().allValues("Set-Cookie"));
        assertEquals("kept", r.headers().firstValue("X-Custom").orElseThrow());
        assertFalse(r.headers().firstValue("Pagewire-Context").isPresent());
    }

    @Test
    void aRedirectPassesAsItIs() throws Exception {
        HttpResponse<byte[]> r = get("/redirect");
        assertEquals(302, r.statusCode());
        assertEquals("/elsewhere?x=1", r.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void headGetsTheHeadAlone() throws Exception {
        HttpResponse<byte[]> r = http.send(
                HttpRequest.newBuilder(url("/hello"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals(0, r.body().length);
    }

    @Test
    void aLargeUploadStreamsThroughIntact() throws Exception {
        byte[] body = new byte[5 * 1024 * 1024 + 17];
        new Random(7).nextBytes(body);
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(url("/upload"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(body.length + " " + sha256(body), r.body());
    }

    @Test
    void aCompressedBodyPassesByteForByte() throws Exception {
        HttpResponse<byte[]> r = get("/gzip", "Accept-Encoding", "gzip");
        assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElseThrow());
        assertArrayEquals(GZIP, r.body());
    }

    @Test
    void aStreamedAnswerReachesTheClientAsItIsWritten() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = TestSocket.readHead(in);
            assertTrue(head.contains("chunked"), head);
            // The backend holds the rest back until the first part has reached us.
            String firstChunk = readUntil(in, "first|");
            assertTrue(firstChunk.endsWith("first|"));
            release.countDown();
            assertTrue(readUntil(in, "second").endsWith("second"));
        }
    }

    @Test
    void browsersCannotSendPagewireHeadersAndTheBackendLearnsWhoAsked() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write(("GET /hello HTTP/1.1\r\nHost: shop.example\r\nPagewire-Page-Id: forged\r\n"
                                    + "Connection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            RawHttp.readResponse(socket.getInputStream());
        }
        String headers = seen.get("/hello").toLowerCase();
        assertFalse(headers.contains("forged"), headers);
        assertTrue(headers.contains("host=[shop.example]"), headers);
        assertTrue(headers.contains("x-forwarded-for=[127.0.0.1]"), headers);
        assertTrue(headers.contains("x-forwarded-host=[shop.example]"), headers);
    }

    @Test
    void aNavigationGetsItsPageAndTheScriptAfterHead() throws Exception {
        HttpResponse<byte[]> r = get("/page", "Sec-Fetch-Dest", "document", "Accept-Encoding", "gzip");
        String html = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals("<!doctype html><html><head>" + SCRIPT + "<title>t</title></head><body>hi</body></html>", html);
        assertEquals(
                String.valueOf(r.body().length),
                r.headers().firstValue("Content-Length").orElseThrow());
        assertFalse(r.headers().firstValue("Pagewire-Join").isPresent());
        FakeRenders.Seen render = renders.last.get();
        assertEquals("/page", render.target);
        assertEquals("room", render.join);
        assertTrue(render.injectable);
        String backendSaw = seen.get("/page").toLowerCase();
        assertTrue(
                backendSaw.contains("pagewire-page-id=[p1]") || backendSaw.contains("pagewire-page-id=[p"), backendSaw);
        assertFalse(backendSaw.contains("accept-encoding"), "navigations go without Accept-Encoding: " + backendSaw);
    }

    @Test
    void theScriptGoesInWhenTheHeadTagIsSplitAcrossParts() throws Exception {
        HttpResponse<byte[]> r = get("/split-page", "Sec-Fetch-Dest", "document");
        assertEquals(
                "<!doctype html><html><head lang=x>" + SCRIPT + "<title>t</title></head><body>split</body></html>",
                new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void withoutAHeadTagWithinTheScanTheScriptGoesFirst() throws Exception {
        HttpResponse<byte[]> r = get("/headless", "Sec-Fetch-Dest", "document");
        String html = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(html.startsWith(SCRIPT + "xxx"), html.substring(0, 80));
        assertTrue(html.endsWith("<body>late</body>"));
    }

    @Test
    void aNavigationAnsweredWithoutHtmlFreesItsPage() throws Exception {
        HttpResponse<byte[]> r = get("/image", "Sec-Fetch-Dest", "document");
        assertEquals("not html", new String(r.body(), StandardCharsets.UTF_8));
        assertFalse(renders.last.get().injectable);
        HttpResponse<byte[]> z = get("/gzip", "Sec-Fetch-Dest", "document");
        assertArrayEquals(GZIP, z.body());
        assertFalse(renders.last.get().injectable, "compressed HTML is not touched");
    }

    @Test
    void anH2cOfferIsIgnoredAndTheNavigationStillGetsItsPage() throws Exception {
        renders.last.set(null);
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write(("GET /page HTTP/1.1\r\n"
                                    + "Host: x\r\n"
                                    + "Accept: text/html\r\n"
                                    + "Connection: Upgrade, HTTP2-Settings\r\n"
                                    + "Upgrade: h2c\r\n"
                                    + "HTTP2-Settings: AAMAAABkAAQBAAAAAAIAAAAA\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = RawHttp.readResponse(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.contains(SCRIPT), answer);
        }
        String backendSaw = seen.get("/page").toLowerCase();
        assertFalse(backendSaw.contains("h2c"), backendSaw);
        assertFalse(backendSaw.contains("http2-settings"), backendSaw);
    }

    @Test
    void subresourcesGetNoPage() throws Exception {
        renders.last.set(null);
        get("/hello", "Sec-Fetch-Dest", "image", "Accept", "text/html");
        assertNull(renders.last.get());
    }

    @Test
    void aRequestWithAPageTokenTheGatewayDidNotTakeNeverReachesTheBackend() throws Exception {
        seen.remove("/hello");
        // A token (v1.…) is refused by the protocol itself; any other pagewire parameter by the forwarder.
        for (String target : List.of("/hello?pagewire=v1.forged&transport=sse", "/hello?pagewire=forged")) {
            HttpResponse<byte[]> r = get(target);
            String body = new String(r.body(), StandardCharsets.UTF_8);
            assertTrue(r.statusCode() == 404 || body.contains("4401"), target + ": " + r.statusCode() + " " + body);
        }
        assertNull(seen.get("/hello"));
    }

    @Test
    void forwardedAndPagewireRequestsOnOneConnectionAreAnsweredInOrder() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write(("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                                    + "GET /_pagewire/nothing-here HTTP/1.1\r\nHost: x\r\n\r\n"
                                    + "GET /image HTTP/1.1\r\nHost: x\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertTrue(readUntil(in, "hello GET").contains("200"));
            String second = RawHttp.readResponse(in);
            assertTrue(second.startsWith("HTTP/1.1 404"), second);
            assertTrue(readUntil(in, "not html").contains("image/png"));
        }
    }

    @Test
    void anUnreachableBackendIs502AndASilentOne504() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        NettyServer toNowhere = startGateway(URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(30));
        try (ServerSocket silent = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            NettyServer toSilence =
                    startGateway(URI.create("http://127.0.0.1:" + silent.getLocalPort()), Duration.ofMillis(300));
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + toNowhere.port() + "/x"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(502, r.statusCode());
                assertTrue(r.body().contains("cannot be reached"), r.body());
                HttpResponse<String> s = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + toSilence.port() + "/x"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(504, s.statusCode());
            } finally {
                toSilence.close();
            }
        } finally {
            toNowhere.close();
        }
    }

    @Test
    void aBackendsOwnWebSocketIsTunnelled() throws Exception {
        try (ServerSocket wsBackend = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> echoAfterUpgrade(wsBackend));
            NettyServer tunnel =
                    startGateway(URI.create("http://127.0.0.1:" + wsBackend.getLocalPort()), Duration.ofSeconds(30));
            try (Socket socket = new Socket("127.0.0.1", tunnel.port())) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String head = RawHttp.readResponse(socket.getInputStream());
                assertTrue(head.startsWith("HTTP/1.1 101"), head);
                out.write("ping-pong".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] echoed = socket.getInputStream().readNBytes(9);
                assertEquals("ping-pong", new String(echoed, StandardCharsets.US_ASCII));
            } finally {
                tunnel.close();
            }
        }
    }

    private static void echoAfterUpgrade(ServerSocket server) {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            readUntil(in, "\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buf = new byte[1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the test ended
        }
    }

    @Test
    void aClientThatDoesNotReadHoldsTheBackendBackInsteadOfTheGatewaysMemory() throws Exception {
        AtomicLong written = new AtomicLong();
        try (ServerSocket endless = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = endless.accept()) {
                    readUntil(s.getInputStream(), "\r\n\r\n");
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = new byte[64 * 1024];
                    while (written.get() < 1L << 30) {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // the gateway closed it
                }
            });
            NettyServer proxy =
                    startGateway(URI.create("http://127.0.0.1:" + endless.getLocalPort()), Duration.ofSeconds(30));
            try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
                socket.setReceiveBufferSize(64 * 1024);
                socket.getOutputStream()
                        .write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                Wait.await(Duration.ofSeconds(30), "the backend starts writing", () -> written.get() > 1 << 20);
                awaitStalled(written, "the backend's writes stall");
                assertTrue(
                        written.get() < 64L << 20,
                        "the backend wrote " + written.get() + " bytes into a non-reading client");
            } finally {
                proxy.close();
            }
        }
    }

    @Test
    void contentLengthWithChunkedSmugglesNoSecondRequestToTheBackend() throws Exception {
        seen.remove("/smuggled");
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(30_000);
            String smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
            String body = "0\r\n\r\n" + smuggled;
            socket.getOutputStream()
                    .write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
                                    + "\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = RawHttp.readResponse(socket.getInputStream());
            // Whatever the answer to the rest, the backend got one framed request, never the hidden one.
            assertTrue(answer.startsWith("HTTP/1.1 "), answer);
            socket.shutdownOutput();
            TestSocket.readUntilClosed(socket.getInputStream());
        }
        assertNull(seen.get("/smuggled"), "the backend saw a request smuggled in a body");
    }

    @Test
    void aBadChunkEndsTheRequestWith400AndNothingMoreReachesTheBackend() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write(("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    + "zz\r\nnot a chunk\r\n0\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = TestSocket.readUntilClosed(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        }
    }

    @Test
    void anHttp10ClientGetsAStreamedAnswerEndedByTheClose() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /hello HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = TestSocket.readUntilClosed(socket.getInputStream());
            assertTrue(answer.endsWith("hello GET"), answer);
        }
    }

    @Test
    void anUploadThatExpectsContinueGetsItAndGoesThrough() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertTrue(TestSocket.readHead(in).startsWith("HTTP/1.1 100"));
            out.write("abcde".getBytes(StandardCharsets.US_ASCII));
            String answer = RawHttp.readResponse(in);
            assertTrue(answer.endsWith("5 " + sha256("abcde".getBytes(StandardCharsets.US_ASCII))), answer);
        }
    }

    @Test
    void anUploadToABackendThatDoesNotReadHoldsTheClientBackInsteadOfTheGatewaysMemory() throws Exception {
        try (ServerSocket deaf = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            AtomicReference<Socket> accepted = new AtomicReference<>();
            Thread.ofVirtual().start(() -> {
                try {
                    accepted.set(deaf.accept()); // and never read
                } catch (IOException e) {
                    // the test ended
                }
            });
            NettyServer proxy =
                    startGateway(URI.create("http://127.0.0.1:" + deaf.getLocalPort()), Duration.ofSeconds(30));
            AtomicLong sent = new AtomicLong();
            try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
                socket.setSendBufferSize(64 * 1024);
                OutputStream out = socket.getOutputStream();
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        out.write("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        byte[] chunk = ("10000\r\n" + "u".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                        while (sent.get() < 1L << 30) {
                            out.write(chunk);
                            sent.addAndGet(0x10000);
                        }
                    } catch (IOException e) {
                        // the gateway closed it
                    }
                });
                Wait.await(Duration.ofSeconds(30), "the client starts sending", () -> sent.get() > 1 << 20);
                awaitStalled(sent, "the client's writes stall");
                assertTrue(
                        sent.get() < 64L << 20,
                        "the client sent " + sent.get() + " bytes towards a backend that reads none");
                writer.interrupt();
            } finally {
                proxy.close();
                Socket s = accepted.get();
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    /**
     * Waits until {@code count} (bytes a writer got through) has not grown for half a second: the
     * buffers on the way are full and the writer is held back.
     */
    private static void awaitStalled(AtomicLong count, String what) {
        AtomicLong seen = new AtomicLong(-1);
        AtomicLong since = new AtomicLong(System.nanoTime());
        Wait.await(Duration.ofSeconds(30), what, () -> {
            long now = count.get();
            if (now != seen.get()) {
                seen.set(now);
                since.set(System.nanoTime());
                return false;
            }
            return System.nanoTime() - since.get() > 500_000_000L;
        });
    }

    private static String readUntil(InputStream in, String end) throws IOException {
        ByteArrayOutputStream seenBytes = new ByteArrayOutputStream();
        while (!seenBytes.toString(StandardCharsets.ISO_8859_1).endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before " + end + ": " + seenBytes.toString(StandardCharsets.ISO_8859_1));
            }
            seenBytes.write(b);
        }
        return seenBytes.toString(StandardCharsets.ISO_8859_1);
    }

    /** Renders that make no real page: each navigation gets id p1, the script SCRIPT when injectable. */
    static final class FakeRenders implements Renders {

        static final class Seen {
            String target;
            String join;
            boolean injectable;
        }

        final AtomicReference<Seen> last = new AtomicReference<>();

        @Override
        public Render begin(String target, HttpHeaders headers, InetSocketAddress remote) {
            Seen s = new Seen();
            s.target = target;
            last.set(s);
            return new Render() {
                @Override
                public void addRequestHeaders(HttpHeaders forwarded) {
                    forwarded.set("Pagewire-Page-Id", "p1");
                }

                @Override
                public String answered(int status, HttpHeaders h, boolean injectable) {
                    s.join = h.get("Pagewire-Join");
                    h.remove("Pagewire-Join");
                    s.injectable = injectable;
                    return injectable ? SCRIPT : null;
                }

                @Override
                public void abandon() {}
            };
        }
    }
}
