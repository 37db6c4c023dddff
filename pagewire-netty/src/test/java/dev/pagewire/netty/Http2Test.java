package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.TestFallback;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.netty.testing.Wait;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 on the embedded server over TLS (ALPN {@code h2}), spoken by the JDK's HTTP client: pages,
 * the client file and both fallback transports on one connection, HTTP/1.1 kept for clients that
 * want it, and no cleartext HTTP/2. Several tests allow one connection from loopback
 * ({@code maxConnectionsPerPrivateAddress(1)}), so that what works there provably shared it.
 */
class Http2Test {

    @TempDir
    static Path certificates;

    private static DevCertificate certificate;
    private static SSLContext trusting;

    private Pagewire app;
    private final BlockingQueue<Page> pages = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = DevCertificate.generate(certificates);
        trusting = TlsTest.trusting(certificate.certificate());
    }

    @BeforeEach
    void createApp() {
        app = Pagewire.create();
        app.page("/p", (request, page) -> {
            page.on("echo", e -> page.emit("echoed", e.data()));
            pages.add(page);
            return "<html><head><title>p</title></head><body>over h2</body></html>";
        });
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        app.close();
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        closing.add(resource);
        return resource;
    }

    private PagewireServer serve(Consumer<ServerSettings.Builder> settings) {
        return closeLater(PagewireServer.start(app, s -> {
            s.host("127.0.0.1").port(0).tls(certificate.certificateFile(), certificate.privateKeyFile());
            settings.accept(s);
        }));
    }

    /** The server allowing one connection from loopback: everything a test does shares it. */
    private PagewireServer serveOneConnection() {
        return serve(s -> s.maxConnectionsPerPrivateAddress(1));
    }

    private HttpClient client(HttpClient.Version version) {
        HttpClient http = HttpClient.newBuilder()
                .version(version)
                .sslContext(trusting)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        closing.add(http::shutdownNow);
        return http;
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Page nextPage() throws InterruptedException {
        Page page = pages.poll(10, TimeUnit.SECONDS);
        if (page == null) {
            throw new AssertionError("no page rendered within 10 s");
        }
        return page;
    }

    @Test
    void pageAndClientFileComeOverH2WithoutConnectionHeaders() throws Exception {
        PagewireServer server = serveOneConnection();
        HttpClient h2 = client(HttpClient.Version.HTTP_2);

        HttpResponse<String> page = get(h2, server.uri().resolve("/p"));
        HttpResponse<String> script = get(h2, server.uri().resolve("/_pagewire/client.js"));
        HttpResponse<String> head = h2.send(
                HttpRequest.newBuilder(server.uri().resolve("/_pagewire/client.js"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(HttpClient.Version.HTTP_2, page.version());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("over h2"), page.body());
        assertTrue(page.body().contains("data-pagewire-token=\"v1."), page.body());
        assertEquals(HttpClient.Version.HTTP_2, script.version());
        assertEquals(200, script.statusCode());
        assertTrue(script.body().length() > 1000, "the client file, whole");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals(
                String.valueOf(script.body().getBytes(StandardCharsets.UTF_8).length),
                head.headers().firstValue("content-length").orElseThrow());
        for (HttpResponse<String> r : List.of(page, script)) {
            assertTrue(
                    r.headers().firstValue("connection").isEmpty(), r.headers().toString());
            assertTrue(
                    r.headers().firstValue("transfer-encoding").isEmpty(),
                    r.headers().toString());
            assertTrue(r.headers().map().keySet().stream().noneMatch(h -> h.startsWith("x-http2")));
        }
    }

    @Test
    void sseStreamDeliversEventsAndPostsGoUpOverOneH2Connection() throws Exception {
        PagewireServer server = serveOneConnection();
        HttpClient h2 = client(HttpClient.Version.HTTP_2);

        try (TestFallback sse = TestFallback.openPage(server.uri().resolve("/p"), "sse", h2)) {
            Page page = nextPage();
            assertEquals(HttpClient.Version.HTTP_2, sse.openResponse.version());
            assertEquals(
                    "text/event-stream",
                    sse.openResponse
                            .headers()
                            .firstValue("content-type")
                            .orElseThrow()
                            .split(";")[0]);
            HttpResponse<String> post = sse.post("[\"ev\",\"echo\",\"up over h2\"]");
            assertEquals(HttpClient.Version.HTTP_2, post.version());
            assertEquals(204, post.statusCode());
            assertEquals("[\"ev\",\"echoed\",\"up over h2\",1]", sse.nextEvent());
            page.emit("news", "pushed");
            assertEquals("[\"ev\",\"news\",\"pushed\",2]", sse.nextEvent());
            assertEquals("sse", page.transport());
        }
    }

    @Test
    void longPollingWorksOverH2() throws Exception {
        PagewireServer server = serveOneConnection();
        HttpClient h2 = client(HttpClient.Version.HTTP_2);

        try (TestFallback poll = TestFallback.openPage(server.uri().resolve("/p"), "longpolling", h2)) {
            Page page = nextPage();
            assertEquals(HttpClient.Version.HTTP_2, poll.openResponse.version());
            assertEquals(204, poll.post("[\"ev\",\"echo\",\"polled\"]").statusCode());
            assertEquals("[\"ev\",\"echoed\",\"polled\",1]", poll.nextEvent());
            page.emit("news", "later");
            assertEquals("[\"ev\",\"news\",\"later\",2]", poll.nextEvent());
            assertEquals("longpolling", page.transport());
        }
    }

    @Test
    void moreThanSixSseStreamsShareOneH2Connection() throws Exception {
        PagewireServer server = serveOneConnection();
        HttpClient h2 = client(HttpClient.Version.HTTP_2);
        int tabs = 10;

        List<TestFallback> streams = new ArrayList<>();
        List<Page> serverPages = new ArrayList<>();
        for (int i = 0; i < tabs; i++) {
            streams.add(closeLater(TestFallback.openPage(server.uri().resolve("/p"), "sse", h2)));
            serverPages.add(nextPage());
        }
        for (int i = 0; i < tabs; i++) {
            serverPages.get(i).emit("news", "to " + i);
        }
        for (int i = 0; i < tabs; i++) {
            assertEquals("[\"ev\",\"news\",\"to " + i + "\",1]", streams.get(i).nextEvent());
            assertTrue(serverPages.get(i).isConnected());
        }
        assertEquals(
                204, streams.get(tabs - 1).post("[\"ev\",\"echo\",\"last\"]").statusCode());
        assertEquals("[\"ev\",\"echoed\",\"last\",2]", streams.get(tabs - 1).nextEvent());
    }

    @Test
    void aStreamResetMidSseDisconnectsThatPageAndKeepsTheConnection() throws Exception {
        PagewireServer server = serveOneConnection();
        HttpClient h2 = client(HttpClient.Version.HTTP_2);
        TestFallback sse = TestFallback.openPage(server.uri().resolve("/p"), "sse", h2);
        Page page = nextPage();
        CountDownLatch disconnected = new CountDownLatch(1);
        page.onDisconnect(disconnected::countDown);
        page.emit("news", "before");
        assertEquals("[\"ev\",\"news\",\"before\",1]", sse.nextEvent());

        sse.close(); // the JDK client cancels the stream: RST_STREAM, the connection stays

        assertTrue(disconnected.await(10, TimeUnit.SECONDS), "the server saw the stream end");
        assertFalse(page.isConnected());
        HttpResponse<String> after = get(h2, server.uri().resolve("/p"));
        assertEquals(200, after.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, after.version());
    }

    @Test
    void anSseStreamWhoseClientNeverReadsIsShedAndResetAtMaxOutboundBytes() throws Exception {
        app.close();
        // Over the stream channel's 64 KiB high-water mark, as the 4 MiB default is: the channel is
        // unwritable when the limit is reached, and the server gives the stream up at once.
        app = Pagewire.create(s -> s.maxOutboundBytes(256 * 1024));
        app.page("/p", (request, page) -> {
            pages.add(page);
            return "<html><head><title>p</title></head><body>slow</body></html>";
        });
        PagewireServer server = serve(s -> {});
        String token = TestSocket.token(
                get(client(HttpClient.Version.HTTP_2), server.uri().resolve("/p"))
                        .body());
        Page page = nextPage();
        CountDownLatch disconnected = new CountDownLatch(1);
        page.onDisconnect(disconnected::countDown);

        // By hand: a client that opens the stream and never sends WINDOW_UPDATE, so the server may
        // send 64 KiB (the default window) and must hold the rest.
        try (SSLSocket socket = open(server, "h2")) {
            OutputStream out = socket.getOutputStream();
            out.write(PREFACE);
            writeFrame(out, 0x4, 0, 0, new byte[0]); // SETTINGS: defaults
            URI sse = TestFallback.channel(server.uri().resolve("/p"), token, "transport=sse");
            java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
            head.write(0x82); // :method GET (static table 2)
            head.write(0x87); // :scheme https (static table 7)
            literal(head, 4, sse.getRawPath() + "?" + sse.getRawQuery()); // :path
            literal(head, 1, "127.0.0.1:" + server.port()); // :authority
            writeFrame(out, 0x1, 0x5, 1, head.toByteArray()); // HEADERS, END_STREAM | END_HEADERS
            out.flush();
            Wait.await(Duration.ofSeconds(10), "the page to connect over SSE", page::isConnected);
            byte[] news = "x".repeat(4096).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 512 && page.isConnected(); i++) {
                page.emit("news", new String(news, StandardCharsets.US_ASCII));
            }

            assertTrue(disconnected.await(10, TimeUnit.SECONDS), "the page was shed as a slow consumer");
            DataInputStream in = new DataInputStream(socket.getInputStream());
            long data = 0;
            while (true) {
                int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
                int type = in.readUnsignedByte();
                in.readUnsignedByte(); // flags
                int stream = in.readInt();
                in.readNBytes(length);
                assertTrue(type != 0x7, "no GOAWAY: only the stream is given up");
                if (type == 0x0) {
                    data += length;
                }
                if (type == 0x3 && stream == 1) {
                    break; // RST_STREAM: the server dropped what it held for the stream
                }
            }
            assertTrue(data <= 65_535, "no more DATA than the window allowed: " + data);
        }
    }

    /** A literal header field without indexing, its name from the static table (no Huffman). */
    private static void literal(java.io.ByteArrayOutputStream out, int nameIndex, String value) {
        out.write(nameIndex); // 0000xxxx, index < 15
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        int length = bytes.length;
        if (length < 127) {
            out.write(length);
        } else {
            out.write(127);
            for (length -= 127; length >= 128; length >>= 7) {
                out.write((length & 0x7f) | 0x80);
            }
            out.write(length);
        }
        out.writeBytes(bytes);
    }

    private static void writeFrame(OutputStream out, int type, int flags, int stream, byte[] payload)
            throws IOException {
        out.write(new byte[] {
            (byte) (payload.length >> 16),
            (byte) (payload.length >> 8),
            (byte) payload.length,
            (byte) type,
            (byte) flags
        });
        out.write(new byte[] {(byte) (stream >> 24), (byte) (stream >> 16), (byte) (stream >> 8), (byte) stream});
        out.write(payload);
    }

    @Test
    void aClientOfferingOnlyHttp11IsServedHttp11() throws Exception {
        PagewireServer server = serve(s -> {});
        HttpClient h1 = client(HttpClient.Version.HTTP_1_1);

        HttpResponse<String> page = get(h1, server.uri().resolve("/p"));
        nextPage(); // that render's page; the SSE test below renders its own

        assertEquals(HttpClient.Version.HTTP_1_1, page.version());
        assertTrue(page.body().contains("over h2"), page.body());
        assertEquals("http/1.1", negotiate(server, "http/1.1"));
        assertEquals("h2", negotiate(server, "http/1.1", "h2"));
        try (TestFallback sse = TestFallback.openPage(server.uri().resolve("/p"), "sse", h1)) {
            nextPage().emit("news", "over 1.1");
            assertEquals(HttpClient.Version.HTTP_1_1, sse.openResponse.version());
            assertEquals("[\"ev\",\"news\",\"over 1.1\",1]", sse.nextEvent());
        }
    }

    @Test
    void http2OffKeepsEveryTlsConnectionOnHttp11() throws Exception {
        PagewireServer server = serve(s -> s.http2(false));

        HttpResponse<String> page =
                get(client(HttpClient.Version.HTTP_2), server.uri().resolve("/p"));

        assertEquals(HttpClient.Version.HTTP_1_1, page.version());
        assertEquals("", negotiate(server, "h2", "http/1.1"));
    }

    @Test
    void theServerAnnouncesItsStreamLimitAndNoWebSocketOverH2() throws Exception {
        PagewireServer server = serve(s -> s.maxConcurrentStreams(7).maxHeaderBytes(4096));

        Map<Integer, Long> settings = serverSettings(server);

        assertEquals(7L, settings.get(0x3), "SETTINGS_MAX_CONCURRENT_STREAMS: " + settings);
        assertEquals(4096L, settings.get(0x6), "SETTINGS_MAX_HEADER_LIST_SIZE: " + settings);
        assertNull(settings.get(0x8), "SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441) is not offered: " + settings);
    }

    @Test
    void cleartextHttp2IsNotOffered() throws Exception {
        PagewireServer plain =
                closeLater(PagewireServer.start(app, s -> s.host("127.0.0.1").port(0)));

        // The JDK client asks a plain server for h2c with Upgrade: h2c; the answer stays HTTP/1.1.
        HttpResponse<String> upgraded =
                get(client(HttpClient.Version.HTTP_2), plain.uri().resolve("/p"));
        String priorKnowledge;
        try (Socket socket = new Socket("127.0.0.1", plain.port())) {
            socket.setSoTimeout(10_000); // bounds a failure only
            socket.getOutputStream().write(PREFACE);
            priorKnowledge = TestSocket.readUntilClosed(socket.getInputStream());
        }

        assertEquals(HttpClient.Version.HTTP_1_1, upgraded.version());
        assertEquals(200, upgraded.statusCode());
        assertTrue(priorKnowledge.startsWith("HTTP/1.1 4"), priorKnowledge);
    }

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** The protocol ALPN agrees on when the client offers {@code protocols}; {@code ""} for none. */
    private static String negotiate(PagewireServer server, String... protocols) throws IOException {
        try (SSLSocket socket = open(server, protocols)) {
            socket.startHandshake();
            return socket.getApplicationProtocol();
        }
    }

    private static SSLSocket open(PagewireServer server, String... protocols) throws IOException {
        SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000); // bounds a failure only
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(protocols);
        socket.setSSLParameters(parameters);
        return socket;
    }

    /** Speaks h2 by hand up to the server's first SETTINGS frame and returns its entries. */
    private static Map<Integer, Long> serverSettings(PagewireServer server) throws IOException {
        try (SSLSocket socket = open(server, "h2")) {
            OutputStream out = socket.getOutputStream();
            out.write(PREFACE);
            writeFrame(out, 0x4, 0, 0, new byte[0]); // SETTINGS: defaults
            out.flush();
            assertEquals("h2", socket.getApplicationProtocol());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                in.readInt(); // stream id
                byte[] payload = in.readNBytes(length);
                if (type == 0x4 && (flags & 0x1) == 0) {
                    Map<Integer, Long> settings = new HashMap<>();
                    DataInputStream entries = new DataInputStream(new java.io.ByteArrayInputStream(payload));
                    for (int i = 0; i < length / 6; i++) {
                        settings.put(entries.readUnsignedShort(), entries.readInt() & 0xFFFFFFFFL);
                    }
                    return settings;
                }
            }
        }
    }
}
