package dev.pagewire.e2e.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.netty.testing.RawHttp;
import dev.pagewire.netty.testing.RawWebSocket;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.servlet.testing.RunningServer;
import dev.pagewire.servlet.testing.Servers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The hostile-input suite's application, served by one server of one kind for a whole test class:
 * pages at {@code /p} and {@code /q} that echo the event {@code echo} back as {@code echoed}, and a
 * page at {@code /smuggled} that only counts its renders (a request no client sent on purpose: one
 * smuggled inside another). Helpers open channels and send raw bytes to it, and check that a
 * bystander is still served. Thread-safe.
 */
final class HostileServer implements AutoCloseable {

    /** The page under attack. */
    static final String PAGE = "/p";
    /** Another page route, for tokens used at the wrong page. */
    static final String OTHER_PAGE = "/q";
    /** The page a smuggled request renders. */
    static final String SMUGGLED = "/smuggled";

    private static final String HTML = "<html><head><title>hostile</title></head><body>h</body></html>";
    /** How long a raw read may wait: bounds a failing test only, passing ones get their answer at once. */
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private final Pagewire app;
    private final RunningServer server;
    private final Map<String, Page> pages = new ConcurrentHashMap<>();
    private final AtomicInteger smuggled = new AtomicInteger();
    private final AtomicInteger bystanders = new AtomicInteger();

    private HostileServer(Servers kind, Consumer<Settings.Builder> settings, Servers.Options options) {
        this.app = Pagewire.create(s -> {
            // One test client renders and opens far more than a browser would; its own limits are
            // the business of the cases that test them.
            s.clientLimits(new Settings.ClientLimits(10_000, 10_000, 10_000, null));
            settings.accept(s);
        });
        app.page(PAGE, (request, page) -> echoing(page));
        app.page(OTHER_PAGE, (request, page) -> echoing(page));
        app.page(SMUGGLED, (request, page) -> {
            smuggled.incrementAndGet();
            return HTML;
        });
        this.server = kind.start(app, options);
    }

    /** Starts the application with {@code settings} on a server of {@code kind}. */
    static HostileServer start(Servers kind, Consumer<Settings.Builder> settings) {
        return start(kind, settings, Servers.Options.defaults());
    }

    static HostileServer start(Servers kind, Consumer<Settings.Builder> settings, Servers.Options options) {
        return new HostileServer(kind, settings, options);
    }

    private String echoing(Page page) {
        page.on("echo", e -> page.emit("echoed", e.data()));
        pages.put(page.id(), page);
        return HTML;
    }

    URI page() {
        return server.uri().resolve(PAGE);
    }

    URI otherPage() {
        return server.uri().resolve(OTHER_PAGE);
    }

    /** The server's {@code host:port}, as a {@code Host} header names it. */
    String authority() {
        return server.uri().getAuthority();
    }

    /** The server's own origin, as a browser on one of its pages sends it. */
    String origin() {
        return "http://" + authority();
    }

    /** Renders {@code /p} and returns the new page's token. */
    String token() throws Exception {
        return token(page());
    }

    String token(URI page) throws Exception {
        return TestSocket.token(TestSocket.render(page));
    }

    /** The page a token was issued for (its id is the token's second part). */
    Page pageOf(String token) {
        return pages.get(token.split("\\.")[1]);
    }

    /** The WebSocket URL of {@code /p}'s channel with {@code token}. */
    URI channel(String token) {
        return TestSocket.channelUri(page(), token);
    }

    /**
     * Renders {@code /p} and opens its channel on a raw socket, offering permessage-deflate when
     * {@code deflate}; reads its {@code hello} unless compressed (a raw socket does not inflate).
     */
    RawWebSocket rawChannel(boolean deflate) throws Exception {
        RawWebSocket socket = RawWebSocket.open(channel(token()), deflate);
        if (!deflate) {
            String hello = socket.nextText();
            assertTrue(hello.startsWith("[\"hello\","), hello);
        }
        return socket;
    }

    /** Renders {@code /p}, opens its channel with the JDK's WebSocket client and reads its {@code hello}. */
    TestSocket channel() throws Exception {
        TestSocket socket = TestSocket.openPage(page());
        String hello = socket.nextText();
        assertTrue(hello.startsWith("[\"hello\","), hello);
        return socket;
    }

    /** A complete request for {@code /smuggled}: what a smuggling request hides where one reading of it ends. */
    String smuggledRequest() {
        return "GET " + SMUGGLED + " HTTP/1.1\r\nHost: " + authority() + "\r\n\r\n";
    }

    /**
     * The head of a POST to {@code /p} whose body is framed by {@code framing} (header lines, each
     * ending in CRLF); its body follows.
     */
    String postHead(String framing) {
        return "POST " + PAGE + " HTTP/1.1\r\nHost: " + authority() + "\r\nContent-Type: text/plain\r\n" + framing
                + "\r\n";
    }

    /**
     * Sends a request whose framing is broken or ambiguous, with a {@link #smuggledRequest} hidden in
     * it, and reads until the server closes the connection. Whatever the server answered, it
     * answered at most one request and rendered no {@code /smuggled}: no second request reached the
     * application. Returns what it answered.
     */
    Answer assertNothingSmuggled(String request) throws IOException {
        int before = smuggled.get();
        Answer answer = sendUntilClosed(request);
        assertTrue(answer.responses() <= 1, "a second request was answered: " + answer);
        assertEquals(before, smuggled.get(), "the smuggled request reached the application: " + answer);
        return answer;
    }

    /** Sends {@code request} as is (ISO-8859-1) on a new connection and reads one response. */
    Answer send(String request) throws IOException {
        try (Socket socket = connect()) {
            write(socket, request);
            return new Answer(RawHttp.readResponse(socket.getInputStream()), false);
        }
    }

    /**
     * Sends {@code request} as is on a new connection and reads everything the server sends until
     * it closes the connection; fails if it is still open after the read timeout.
     */
    Answer sendUntilClosed(String request) throws IOException {
        try (Socket socket = connect()) {
            write(socket, request);
            return new Answer(TestSocket.readUntilClosed(socket.getInputStream()), true);
        }
    }

    /** A new connection to the server, with a read timeout that bounds a failing test. */
    Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return socket;
    }

    private static void write(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads everything until the server closes {@code socket}'s connection. */
    static Answer readUntilClosed(InputStream in) throws IOException {
        return new Answer(TestSocket.readUntilClosed(in), true);
    }

    /**
     * Reads {@code socket} to the server's close frame, which must carry {@code code}, answers it as a
     * client does (RFC 6455 §5.5.1), and reads to the end of the connection: a breach ends that
     * client's connection, with a code saying why.
     */
    static void assertCloseFrame(int code, RawWebSocket socket) throws IOException {
        RawWebSocket.Frame close = socket.awaitClose();
        assertNotNull(close, "a close frame, not just the end of the connection");
        assertEquals(code, close.closeCode(), "close code (reason: " + close.reason() + ")");
        try {
            socket.send(0x80, RawWebSocket.CLOSE, RawWebSocket.closePayload(code));
        } catch (IOException closedAlready) {
            // A server that failed the connection closes it without waiting for the answer.
        }
        assertTrue(socket.endsWithin10Seconds(), "the server ends the connection after its close frame");
    }

    /**
     * A bystander page is still served as before: it renders, its channel opens, an event it emits
     * is handled and the reply reaches it. Every case of the suite ends with this.
     */
    void assertBystanderServed() throws Exception {
        String data = "bystander-" + bystanders.incrementAndGet();
        try (TestSocket socket = channel()) {
            socket.send("[\"ev\",\"echo\",\"" + data + "\",1]");
            String reply = socket.nextText();
            assertTrue(reply.startsWith("[\"ev\",\"echoed\",\"" + data + "\",1"), "the bystander's reply: " + reply);
        }
    }

    @Override
    public void close() {
        server.close();
        app.close();
    }
}
