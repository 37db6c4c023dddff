package dev.pagewire.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.netty.testing.RawWebSocket;
import dev.pagewire.netty.testing.TestFallback;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.RunningServer;
import dev.pagewire.servlet.testing.Servers;
import io.netty.util.internal.PlatformDependent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Clients that never read what the server sends them, each way there is, on every server (issue 15;
 * docs/SECURITY.md, "Limits"): what the server holds for them stays bounded, measured as the growth
 * of the server's heap and direct memory (the server runs in this JVM) while the attacker's
 * connection is still open; the attack sends several times {@link #BOUND} and an unbounded server
 * would hold all of it. Afterwards every other page is served as before.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Servers.class)
class NonReadingClientsTest {

    /** What one non-reading client may make the server hold (it is allowed maxOutboundBytes). */
    static final long BOUND = 32L << 20;

    private static final int MAX_OUTBOUND = 1 << 20;
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(2);
    private static final int SMALL_RECEIVE_BUFFER = 4096;
    private static final String MEBIBYTE = "x".repeat(1 << 20);

    @Parameter
    Servers kind;

    private Pagewire app;
    private RunningServer server;
    private final BlockingQueue<Page> pages = new LinkedBlockingQueue<>();
    private final AtomicInteger bigRenders = new AtomicInteger();
    private URI page;

    @BeforeEach
    void start() {
        // The rates are not under test: an attack here is fast on purpose.
        app = Pagewire.create(s -> s.maxOutboundBytes(MAX_OUTBOUND)
                .clientLimits(new Settings.ClientLimits(10_000, 10_000, 10_000_000, null)));
        app.page("/p", (request, p) -> {
            p.on("ping", e -> p.emit("pong", e.data()));
            pages.add(p);
            return "<html><head></head><body>p</body></html>";
        });
        app.page("/big", (request, p) -> {
            bigRenders.incrementAndGet();
            return "<html><head></head><body>" + MEBIBYTE + "</body></html>";
        });
        // A container closes a connection it cannot write to after its write timeout; shorter
        // here than its default (Tomcat 20 s, Jetty 30 s) so that the test need not wait that long.
        server = kind.start(app, Servers.Options.defaults().withWriteTimeout(WRITE_TIMEOUT));
        page = server.uri().resolve("/p");
    }

    @AfterEach
    void stop() {
        server.close();
        app.close();
    }

    @Test
    void webSocketPingsNeverRead() throws Exception {
        URI channel = TestSocket.channelUri(page, TestSocket.token(TestSocket.render(page)));
        long before = ServerMemory.used();
        try (RawWebSocket socket = RawWebSocket.open(channel, false, SMALL_RECEIVE_BUFFER)) {
            // 96 MiB of 125-byte pings: each asks for a pong of the same size.
            byte[] chunk = repeated(RawWebSocket.frame(0x80, RawWebSocket.PING, new byte[125]), 500);
            long sent = writeUntilDoneOrStalled(out -> socket.sendRaw(out), chunk, 96L << 20);
            assertBounded(before, "after " + (sent >> 20) + " MiB of pings, none of whose pongs was read");
        }
        assertOthersServed();
    }

    @Test
    void anSseStreamNeverReadWhileThePageEmits() throws Exception {
        String token = TestSocket.token(TestSocket.render(page));
        Page stalled = pages.take();
        try (Socket socket = smallSocket()) {
            String head = get(socket, "/p?pagewire=" + token + "&transport=sse&ack=0");
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            Wait.await(Duration.ofSeconds(10), "the stalled page connected", stalled::isConnected);
            long before = ServerMemory.used();
            int sent = Shedding.emitUntilShed(stalled);
            assertBounded(before, "after " + sent + " KiB emitted to an SSE stream never read");
            // Closed by the server without waiting for a read: at once (Netty), or when the
            // container's write timeout passes; what it had sent is read to the end here.
            TestSocket.readUntilClosed(socket.getInputStream());
        }
        assertOthersServed();
    }

    @Test
    void pingLinesPostedForAnSseStreamNeverRead() throws Exception {
        String token = TestSocket.token(TestSocket.render(page));
        try (Socket socket = smallSocket()) {
            String conn = openSseAndReadConn(socket, token);
            long before = ServerMemory.used();
            // 32 POSTs of 1 MiB of ["ping"] lines, each asking for a pong on the stream.
            String pings = "[\"ping\"]\n".repeat((1 << 20) / 9);
            for (int i = 0; i < 32; i++) {
                HttpResponse<String> r = TestFallback.HTTP.send(
                        HttpRequest.newBuilder(TestFallback.channel(page, token, "conn=" + conn))
                                .POST(HttpRequest.BodyPublishers.ofString(pings))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertTrue(r.statusCode() < 500, r.statusCode() + " " + r.body());
            }
            assertBounded(before, "after 32 MiB of [\"ping\"] lines for a stream never read");
        }
        assertOthersServed();
    }

    @Test
    void pipelinedRequestsWhoseAnswersAreNeverRead() throws Exception {
        try (Socket socket = smallSocket()) {
            long before = ServerMemory.used();
            byte[] request = "GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            // 96 requests of a 1 MiB page, sent at once; nothing of the answers is read.
            byte[] all = repeated(request, 96);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    socket.getOutputStream().write(all);
                } catch (IOException e) {
                    // the server may close first
                }
            });
            Wait.await(Duration.ofSeconds(10), "the first render", () -> bigRenders.get() > 0);
            awaitStill(bigRenders::get);
            assertTrue(bigRenders.get() < 96, bigRenders.get() + " renders of 96 while none was read");
            assertBounded(before, "with " + bigRenders.get() + " pages of 1 MiB rendered for answers never read");
            writer.interrupt();
        }
        assertOthersServed();
    }

    // ---- helpers ----

    private void assertBounded(long before, String what) {
        long grown = ServerMemory.used() - before;
        assertTrue(grown < BOUND, kind + ": the server grew by " + (grown >> 20) + " MiB " + what);
    }

    /** A page rendered now connects, sends an event and gets its answer. */
    private void assertOthersServed() throws Exception {
        try (TestSocket other = TestSocket.openPage(page)) {
            other.nextText(); // hello
            other.send("[\"ev\",\"ping\",7,1]");
            String pong = other.nextText();
            assertTrue(pong.startsWith("[\"ev\",\"pong\",7,1"), pong);
        }
    }

    private Socket smallSocket() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(SMALL_RECEIVE_BUFFER);
        socket.connect(new InetSocketAddress("127.0.0.1", page.getPort()), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends a GET and reads its response head only. */
    private static String get(Socket socket, String target) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return TestSocket.readHead(socket.getInputStream());
    }

    private static final Pattern OPEN = Pattern.compile("\\[\"open\",\"([^\"]+)\"]");

    /** Opens an SSE stream and reads it up to its {@code open} frame, no further; the connection id. */
    private static String openSseAndReadConn(Socket socket, String token) throws IOException {
        String head = get(socket, "/p?pagewire=" + token + "&transport=sse&ack=0");
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buffer = new byte[256];
        for (int n; (n = in.read(buffer)) > 0; ) {
            seen.write(buffer, 0, n);
            Matcher open = OPEN.matcher(seen.toString(StandardCharsets.UTF_8));
            if (open.find()) {
                return open.group(1);
            }
        }
        throw new AssertionError("the stream ended before its open frame: " + seen);
    }

    interface Writer {
        void write(byte[] bytes) throws IOException;
    }

    /**
     * Writes {@code chunk} over and over until {@code total} bytes are written or the server stops
     * reading (no progress for a while: its TCP window is full); the bytes written.
     */
    private static long writeUntilDoneOrStalled(Writer writer, byte[] chunk, long total) throws Exception {
        AtomicLong written = new AtomicLong();
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                while (written.get() < total) {
                    writer.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // the server closed the connection
            }
        });
        awaitStill(written::get);
        thread.interrupt();
        return written.get();
    }

    /**
     * Waits until {@code counter} has not moved for half a second (the attack is over, or the
     * server stopped taking it), within 60 s.
     */
    private static void awaitStill(LongSupplier counter) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long value = counter.getAsLong();
        long since = System.nanoTime();
        while (System.nanoTime() - since < TimeUnit.MILLISECONDS.toNanos(500)) {
            assertTrue(System.nanoTime() < deadline, "still moving after 60 s: " + value);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling the counter
            long now = counter.getAsLong();
            if (now != value) {
                value = now;
                since = System.nanoTime();
            }
        }
    }

    private static byte[] repeated(byte[] bytes, int times) {
        ByteArrayOutputStream all = new ByteArrayOutputStream(bytes.length * times);
        for (int i = 0; i < times; i++) {
            all.writeBytes(bytes);
        }
        return all.toByteArray();
    }

    /** What the server in this JVM holds: live heap after a collection, and direct memory. */
    static final class ServerMemory {
        static long used() {
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long direct = 0;
            for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                direct += pool.getMemoryUsed();
            }
            // Netty's own direct memory (allocated without a JDK cleaner) is not in the pools above.
            long netty = Math.max(0, PlatformDependent.usedDirectMemory());
            return heap + direct + netty;
        }
    }
}
