package dev.pagewire.netty.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.PagewireServer;
import dev.pagewire.netty.testing.FaultyRelay.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link FaultyRelay} between plain sockets (the test holds both ends of each connection), then
 * between a Pagewire server and its clients: a Java WebSocket and a real Chromium.
 */
class FaultyRelayTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int TIMEOUT_MS = (int) TIMEOUT.toMillis();
    private static final int MIB = 1024 * 1024;
    private static final Pattern TOKEN = Pattern.compile("data-pagewire-token=\"([^\"]+)\"");

    /** Closed after each test, last opened first. */
    private final Deque<AutoCloseable> closing = new ConcurrentLinkedDeque<>();

    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private ServerSocket target;
    private FaultyRelay relay;

    /** Both ends of one connection through the relay. */
    private record Pair(Socket client, Socket server) {
        Socket sender(Direction direction) {
            return direction == Direction.UPSTREAM ? client : server;
        }

        Socket receiver(Direction direction) {
            return direction == Direction.UPSTREAM ? server : client;
        }
    }

    /** How a socket's input ended: the bytes before the end, and the reset (null for a FIN). */
    private record End(byte[] bytes, IOException error) {}

    @BeforeEach
    void start() throws IOException {
        target = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        target.setSoTimeout(TIMEOUT_MS);
        relay = relayTo((InetSocketAddress) target.getLocalSocketAddress());
    }

    @AfterEach
    void stop() throws Exception {
        Exception failure = null;
        for (AutoCloseable c; (c = closing.pollLast()) != null; ) {
            try {
                c.close();
                if (c instanceof FaultyRelay r) {
                    assertEquals(0, r.liveThreads(), "relay threads still running after close");
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        target.close();
        background.shutdownNow();
        assertTrue(background.awaitTermination(10, TimeUnit.SECONDS), "test threads left running");
        if (failure != null) {
            throw failure;
        }
    }

    // ---- passing bytes ----

    @Test
    void bytesPassUnchangedBothWaysAndSoDoHalfCloses() throws Exception {
        Pair pair = connect();
        byte[] up = random(1, MIB);
        byte[] down = random(2, MIB);

        Future<?> sendingUp = write(pair.client(), up);
        Future<?> sendingDown = write(pair.server(), down);
        assertArrayEquals(up, pair.server().getInputStream().readNBytes(MIB));
        assertArrayEquals(down, pair.client().getInputStream().readNBytes(MIB));
        sendingUp.get(10, TimeUnit.SECONDS);
        sendingDown.get(10, TimeUnit.SECONDS);

        pair.client().shutdownOutput();
        assertEquals(-1, pair.server().getInputStream().read(), "the client's FIN reaches the server");
        pair.server().getOutputStream().write(42);
        assertEquals(42, pair.client().getInputStream().read(), "the other way still flows");
        pair.server().shutdownOutput();
        assertEquals(-1, pair.client().getInputStream().read(), "the server's FIN reaches the client");

        Wait.await(TIMEOUT, "the relay to close the connection", () -> relay.openConnections() == 0);
        assertEquals(MIB, relay.bytesForwarded(Direction.UPSTREAM));
        assertEquals(MIB + 1, relay.bytesForwarded(Direction.DOWNSTREAM));
        assertEquals(MIB, relay.bytesReceived(Direction.UPSTREAM));
        assertEquals(1, relay.accepted());
        assertEquals(0, relay.cuts());
    }

    @Test
    void manyConnectionsAtOnceEachCarryTheirOwnBytes() throws Exception {
        serveEcho();
        int count = 200;
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket client = open(relay.address());
            client.getOutputStream().write(random(i, 1000));
            clients.add(client);
        }
        Wait.await(TIMEOUT, count + " open connections", () -> relay.openConnections() == count);
        for (int i = 0; i < count; i++) {
            assertArrayEquals(random(i, 1000), clients.get(i).getInputStream().readNBytes(1000));
        }
        for (Socket client : clients) {
            client.close();
        }
        Wait.await(TIMEOUT, "all connections to end", () -> relay.openConnections() == 0);
        assertEquals(count, relay.accepted());
        assertEquals(count * 1000L, relay.bytesForwarded(Direction.DOWNSTREAM));
    }

    @Test
    void smallMessagesPassAtWellOverTenThousandPerSecond() throws Exception {
        int messages = 50_000;
        int size = 32;
        Pair relayed = connect();
        Pair direct = connectDirectly();

        double relayedRate = oneWayMessagesPerSecond(relayed, messages, size);
        double directRate = oneWayMessagesPerSecond(direct, messages, size);
        double relayedTrips = roundTripsPerSecond(relayed, 5_000, size);
        double directTrips = roundTripsPerSecond(direct, 5_000, size);
        double relayedMbps = megabytesPerSecond(relayed, 64 * MIB);
        double directMbps = megabytesPerSecond(direct, 64 * MIB);

        System.out.printf(
                "[FaultyRelay] %d-byte messages one way: %.0f/s relayed, %.0f/s direct; round trips:"
                        + " %.0f/s relayed, %.0f/s direct; bulk: %.0f MB/s relayed, %.0f MB/s direct%n",
                size, relayedRate, directRate, relayedTrips, directTrips, relayedMbps, directMbps);
        assertTrue(relayedRate > 10_000, "relayed messages per second: " + relayedRate);
        assertTrue(relayedTrips > 500, "relayed round trips per second: " + relayedTrips);
    }

    // ---- cutAll ----

    @Test
    void cutAllResetsBothEndsOfEveryConnectionAndNewConnectionsStillPass() throws Exception {
        Pair first = connect();
        Pair second = connect();
        exchange(first);
        exchange(second);

        assertEquals(2, relay.cutAll());

        for (Socket end : List.of(first.client(), first.server(), second.client(), second.server())) {
            End seen = readToEnd(end);
            assertEquals(0, seen.bytes().length);
            assertTrue(seen.error() instanceof SocketException, "reset, not a FIN: " + seen.error());
        }
        assertEquals(2, relay.cuts());
        Wait.await(TIMEOUT, "no open connection", () -> relay.openConnections() == 0);

        exchange(connect());
        assertEquals(2, relay.cuts());
        assertEquals(1, relay.openConnections());
    }

    // ---- cutAfter ----

    @ParameterizedTest(name = "{1} bytes {0}")
    @CsvSource({"UPSTREAM, 1", "DOWNSTREAM, 1000", "UPSTREAM, 300000", "DOWNSTREAM, 300000"})
    void cutAfterDeliversExactlyThatManyBytesThenTheEnd(Direction direction, int bytes) throws Exception {
        Pair pair = connect();
        exchange(pair); // Bytes before the cut is armed do not count.
        relay.cutAfter(bytes, direction);
        byte[] data = random(3, MIB);

        Future<?> sending = writeUntilCut(pair.sender(direction), data);
        End received = readToEnd(pair.receiver(direction));

        assertArrayEquals(Arrays.copyOf(data, bytes), received.bytes());
        assertNull(received.error(), "the receiver gets a FIN right behind the last byte");
        assertEquals(0, readToEnd(pair.sender(direction)).bytes().length, "the sender is reset");
        sending.get(10, TimeUnit.SECONDS);
        assertEquals(1, relay.cuts());
        Wait.await(TIMEOUT, "the cut connection to close", () -> relay.openConnections() == 0);
    }

    @Test
    void cutAfterArmedWithNoConnectionOpenCutsTheNextOneOnce() throws Exception {
        relay.cutAfter(0, Direction.DOWNSTREAM);
        Pair cut = connect();
        exchange(cut, Direction.UPSTREAM);
        cut.server().getOutputStream().write(random(4, 100));

        assertEquals(0, readToEnd(cut.client()).bytes().length);
        assertEquals(1, relay.cuts());

        Pair next = connect();
        exchange(next);
        assertEquals(1, relay.cuts(), "the cut fires once");
    }

    // ---- stall ----

    @Test
    void stallHoldsBytesBothWaysAndResumeDeliversThemInOrder() throws Exception {
        Pair pair = connect();
        relay.stall();
        assertTrue(relay.stalled());
        byte[] up = random(5, 20_000);
        byte[] down = random(6, 20_000);

        pair.client().getOutputStream().write(up, 0, 10_000);
        pair.server().getOutputStream().write(down, 0, 10_000);
        Wait.await(
                TIMEOUT,
                "the relay to read from both sides",
                () -> relay.bytesReceived(Direction.UPSTREAM) > 0 && relay.bytesReceived(Direction.DOWNSTREAM) > 0);
        pair.client().getOutputStream().write(up, 10_000, 10_000);
        pair.server().getOutputStream().write(down, 10_000, 10_000);
        assertEquals(0, relay.bytesForwarded(Direction.UPSTREAM));
        assertEquals(0, relay.bytesForwarded(Direction.DOWNSTREAM));
        assertEquals(0, pair.server().getInputStream().available());
        assertEquals(0, pair.client().getInputStream().available());

        relay.resume();

        assertFalse(relay.stalled());
        assertArrayEquals(up, pair.server().getInputStream().readNBytes(up.length));
        assertArrayEquals(down, pair.client().getInputStream().readNBytes(down.length));
    }

    @Test
    void stallForADurationResumesByItself() throws Exception {
        Pair pair = connect();
        long before = System.nanoTime();
        relay.stall(Duration.ofMillis(300));
        pair.client().getOutputStream().write(7);

        assertEquals(7, pair.server().getInputStream().read());
        long waited = System.nanoTime() - before;
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(300), "held for " + waited + " ns");
        assertFalse(relay.stalled());
        exchange(pair);
    }

    @Test
    void aCutDuringAStallDropsWhatWasHeld() throws Exception {
        Pair pair = connect();
        relay.stall();
        pair.client().getOutputStream().write(random(7, 1000));
        Wait.await(TIMEOUT, "the relay to hold bytes", () -> relay.bytesReceived(Direction.UPSTREAM) > 0);

        assertEquals(1, relay.cutAll());

        assertEquals(0, readToEnd(pair.server()).bytes().length);
        assertEquals(0, relay.bytesForwarded(Direction.UPSTREAM));
        relay.resume();
        exchange(connect());
    }

    // ---- refuse ----

    @Test
    void refusedConnectionsAreResetAtOnceAndNeverReachTheTarget() throws Exception {
        relay.refuse(true);
        Socket refused = new Socket();
        closing.add(refused);
        refused.setSoTimeout(TIMEOUT_MS);
        try {
            refused.connect(relay.address(), TIMEOUT_MS);
            assertEquals(0, readToEnd(refused).bytes().length);
        } catch (SocketException e) {
            // The reset came before the JDK saw the connection complete: connect itself fails.
        }
        Wait.await(TIMEOUT, "the refusal to be counted", () -> relay.refused() == 1);

        relay.refuse(false);
        Pair pair = connect();
        // Had the refused connection reached the target, it would have been accepted first.
        exchange(pair);
        assertEquals(2, relay.accepted());
        assertEquals(1, relay.refused());
        assertEquals(0, relay.cuts());
    }

    // ---- chaos ----

    @Test
    void chaosByBytesCutsAtTheDrawnOffsetsAndTheSameSeedDrawsTheSame() throws Exception {
        BlockingQueue<Future<Long>> sunk = serveSink();
        ChaosPlan plan = ChaosPlan.afterBytes(Direction.UPSTREAM, 1_000, 50_000, 5);

        List<Long> first = chaosRun(42, plan, sunk);
        List<Long> again = chaosRun(42, plan, sunk);
        List<Long> other = chaosRun(7, plan, sunk);

        assertEquals(first, again, "the same seed cuts at the same offsets");
        assertNotEquals(first, other, "another seed cuts elsewhere");
        assertEquals(15, relay.cuts());
    }

    @Test
    void chaosByTimeCutsTheGivenNumberOfTimesAfterTheDrawnDelays() throws Exception {
        ChaosPlan plan = ChaosPlan.afterTime(Duration.ofMillis(10), Duration.ofMillis(60), 3);
        Pair pair = connect();
        long before = System.nanoTime();

        Chaos chaos = relay.chaos(99, plan);
        Wait.await(TIMEOUT, "three cuts by " + chaos, chaos::done);

        long waited = System.nanoTime() - before;
        assertEquals(3, chaos.cuts(), chaos.toString());
        assertTrue(chaos.fired().stream().allMatch(ms -> ms >= 10 && ms <= 60), chaos.toString());
        long planned = chaos.fired().stream().mapToLong(Long::longValue).sum();
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(planned), chaos.toString());
        assertEquals(0, readToEnd(pair.client()).bytes().length, "the open connection was cut");
        assertEquals(1, relay.cuts(), "later cuts found nothing open");

        Chaos replay = relay.chaos(99, plan);
        Wait.await(TIMEOUT, "the replay " + replay, replay::done);
        assertEquals(chaos.fired(), replay.fired());
    }

    @Test
    void stoppedChaosCutsNoMore() throws Exception {
        Chaos timed = relay.chaos(5, ChaosPlan.afterTime(Duration.ofMillis(1), Duration.ofMillis(5), 1000));
        Wait.await(TIMEOUT, "a first cut by " + timed, () -> timed.cuts() > 0);
        timed.stop();
        int cuts = timed.cuts();
        assertTrue(timed.done());
        Chaos bytes = relay.chaos(5, ChaosPlan.afterBytes(Direction.UPSTREAM, 0, 0, 10));
        bytes.stop();
        assertTrue(bytes.done());

        Pair pair = connect();
        // The accept thread and the pair's two pumps: the timed chaos's thread has ended.
        Wait.await(TIMEOUT, "the chaos thread to end", () -> relay.liveThreads() == 3);
        exchange(pair);
        assertEquals(cuts, timed.cuts(), timed.toString());
        assertEquals(0, bytes.cuts());
        assertEquals(0, relay.cuts(), "nothing was open while chaos ran");
    }

    // ---- close ----

    @Test
    void closeEndsEveryConnectionAndThreadAndIsIdempotent() throws Exception {
        Pair idle = connect();
        Pair draining = connect();
        relay.cutAfter(1, Direction.DOWNSTREAM);
        draining.server().getOutputStream().write(new byte[10]);
        assertEquals(1, readToEnd(draining.client()).bytes().length); // The relay drains its input.
        Pair stalled = connect();
        relay.stall();
        stalled.client().getOutputStream().write(1);
        Wait.await(TIMEOUT, "a held byte", () -> relay.bytesReceived(Direction.UPSTREAM) == 1);
        Chaos chaos = relay.chaos(1, ChaosPlan.afterTime(Duration.ofHours(1), Duration.ofHours(1), 1));

        relay.close();

        assertEquals(0, relay.liveThreads(), "relay threads still running");
        assertTrue(chaos.done());
        relay.close();
        assertEquals(0, readToEnd(idle.client()).bytes().length);
        assertEquals(0, readToEnd(idle.server()).bytes().length);
        assertEquals(0, readToEnd(stalled.server()).bytes().length);
        assertThrows(IOException.class, () -> open(relay.address()), "no longer listening");
        assertEquals(1, relay.cuts(), "closing is no fault");
    }

    // ---- Pagewire and Chromium through the relay ----

    @Test
    void aPageChannelThroughTheRelayGetsHelloAndEchoesAndReconnectsAfterCutAll() throws Exception {
        PagewireServer server = echoServer("<html><head><title>p</title></head><body>p</body></html>");
        FaultyRelay pageRelay = relayTo(new InetSocketAddress("127.0.0.1", server.port()));
        URI page = URI.create("http://127.0.0.1:" + pageRelay.port() + "/p");
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        closing.add(http);
        URI channel = channelOf(page, render(http, page));

        Channel first = Channel.open(http, channel);
        closing.add(first);
        String hello = first.nextText();
        assertTrue(hello.startsWith("[\"hello\",{\"v\":1,\"page\":\""), hello);
        first.send("[\"ev\",\"echo\",{\"n\":1}]");
        assertEquals("[\"ev\",\"echoed\",{\"n\":1},1]", first.nextText());

        assertTrue(pageRelay.cutAll() >= 1); // The WebSocket, and the render's keep-alive if still open.
        assertTrue(first.ended.get(10, TimeUnit.SECONDS).startsWith("error"), "ended abruptly");

        // The same page reconnects with its token, resuming after the frame it got (PROTOCOL.md §10.3).
        Channel again = Channel.open(http, URI.create(channel + "&ack=1"));
        closing.add(again);
        assertEquals(hello, again.nextText());
        again.send("[\"ev\",\"echo\",{\"n\":2}]");
        assertEquals("[\"ev\",\"echoed\",{\"n\":2},2]", again.nextText());

        try (HttpClient fresh = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
                Channel other = Channel.open(fresh, channelOf(page, render(fresh, page)))) {
            assertNotEquals(hello, other.nextText(), "a new page");
            other.send("[\"ev\",\"echo\",3]");
            assertEquals("[\"ev\",\"echoed\",3,1]", other.nextText());
        }
    }

    @Test
    void chromiumLoadsAPageThroughTheRelayAndItReconnectsAfterCutAll() {
        PagewireServer server = echoServer("""
            <!doctype html><html><head><title>c</title></head><body>
            <script type="module">
            window.states = [];
            window.got = [];
            pagewire.on('state', (s) => states.push(s.state));
            pagewire.page.on('echoed', (d) => got.push(d));
            </script></body></html>
            """);
        FaultyRelay pageRelay = relayTo(new InetSocketAddress("127.0.0.1", server.port()));
        Page tab = chromium.newContext().newPage();

        tab.navigate("http://127.0.0.1:" + pageRelay.port() + "/p");
        tab.waitForFunction("() => pagewire.state === 'connected'");
        assertEquals("websocket", tab.evaluate("() => pagewire.transport"));
        assertTrue(pageRelay.cutAll() >= 1);

        tab.waitForFunction("() => states.includes('reconnecting') && pagewire.state === 'connected'");
        tab.evaluate("() => pagewire.page.emit('echo', 'after the cut')");
        tab.waitForFunction("() => got.length === 1");
        assertEquals(List.of("after the cut"), tab.evaluate("() => got"));
    }

    // ---- helpers ----

    private FaultyRelay relayTo(InetSocketAddress address) {
        try {
            FaultyRelay started = FaultyRelay.start(address);
            closing.add(started);
            return started;
        } catch (IOException e) {
            throw new AssertionError("relay did not start", e);
        }
    }

    /** A Pagewire server whose page {@code /p} renders {@code html} and echoes {@code echo}. */
    private PagewireServer echoServer(String html) {
        Pagewire app = Pagewire.create();
        closing.add(app);
        app.page("/p", (request, page) -> {
            page.on("echo", e -> page.emit("echoed", e.data()));
            return html;
        });
        PagewireServer server =
                PagewireServer.start(app, s -> s.host("127.0.0.1").port(0));
        closing.add(server);
        return server;
    }

    private Socket open(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        closing.add(socket);
        socket.connect(address, TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        return socket;
    }

    private Socket accept() throws IOException {
        Socket socket = target.accept();
        closing.add(socket);
        socket.setSoTimeout(TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        return socket;
    }

    /** A connection through the relay; the target accepts it here, so the test holds both ends. */
    private Pair connect() throws IOException {
        Socket client = open(relay.address());
        return new Pair(client, accept());
    }

    /** A connection to the target without the relay, to compare with. */
    private Pair connectDirectly() throws IOException {
        Socket client = open((InetSocketAddress) target.getLocalSocketAddress());
        return new Pair(client, accept());
    }

    /** One byte each way: the connection carries traffic in both directions. */
    private static void exchange(Pair pair) throws IOException {
        exchange(pair, Direction.UPSTREAM);
        exchange(pair, Direction.DOWNSTREAM);
    }

    private static void exchange(Pair pair, Direction direction) throws IOException {
        pair.sender(direction).getOutputStream().write(direction.ordinal() + 1);
        assertEquals(
                direction.ordinal() + 1,
                pair.receiver(direction).getInputStream().read());
    }

    private Future<?> write(Socket socket, byte[] data) {
        return background.submit(() -> {
            socket.getOutputStream().write(data);
            return null;
        });
    }

    /**
     * Writes {@code data} over and over in 8 KiB pieces, stopping quietly once the cut makes
     * writing fail; fails after 256 MiB without a cut. Written bytes may still wait in kernel
     * buffers when the cut comes, so how far the writer got says nothing: the receiver counts.
     */
    private Future<?> writeUntilCut(Socket socket, byte[] data) {
        return background.submit(() -> {
            OutputStream out = socket.getOutputStream();
            for (long written = 0; written < 256L * MIB; ) {
                for (int at = 0; at < data.length; at += 8192) {
                    int length = Math.min(8192, data.length - at);
                    try {
                        out.write(data, at, length);
                    } catch (IOException e) {
                        return null;
                    }
                    written += length;
                }
            }
            throw new AssertionError("256 MiB written and no cut");
        });
    }

    /**
     * Reads {@code socket} until its input ends, by a FIN or a reset. Fails if it does not end
     * within the socket's timeout.
     */
    private static End readToEnd(Socket socket) {
        byte[] buffer = new byte[64 * 1024];
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytes.write(buffer, 0, n);
            }
            return new End(bytes.toByteArray(), null);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection did not end within " + TIMEOUT, e);
        } catch (IOException e) {
            return new End(bytes.toByteArray(), e);
        }
    }

    private static byte[] random(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** An echo server on the target: what each connection sends comes back. */
    private void serveEcho() {
        background.submit(() -> {
            while (true) {
                Socket socket = accept();
                background.submit(() -> {
                    socket.getInputStream().transferTo(socket.getOutputStream());
                    socket.close();
                    return null;
                });
            }
        });
    }

    /**
     * A sink on the target: reads each connection until it ends; the queue holds, in the order
     * of acceptance, how many bytes each connection brought.
     */
    private BlockingQueue<Future<Long>> serveSink() {
        BlockingQueue<Future<Long>> sunk = new LinkedBlockingQueue<>();
        background.submit(() -> {
            while (true) {
                Socket socket = accept();
                sunk.add(background.submit(() -> (long) readToEnd(socket).bytes().length));
            }
        });
        return sunk;
    }

    /**
     * Runs {@code plan} with {@code seed} over connections that write until cut, one after the
     * other, as a client reconnecting would; returns what the target received on each.
     */
    private List<Long> chaosRun(long seed, ChaosPlan plan, BlockingQueue<Future<Long>> sunk) throws Exception {
        Chaos chaos = relay.chaos(seed, plan);
        int connections = 0;
        while (!chaos.done()) {
            assertTrue(++connections <= plan.cuts(), "more connections than cuts: " + chaos);
            Socket client = open(relay.address());
            writeUntilCut(client, random(connections, MIB)).get(10, TimeUnit.SECONDS);
        }
        List<Long> received = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Future<Long> connection = sunk.poll(10, TimeUnit.SECONDS);
            assertTrue(connection != null, "connection " + i + " never reached the target: " + chaos);
            received.add(connection.get(10, TimeUnit.SECONDS));
        }
        assertEquals(plan.cuts(), chaos.cuts(), chaos.toString());
        assertEquals(chaos.fired(), received, "cut exactly at the drawn offsets: " + chaos);
        assertTrue(received.stream().allMatch(n -> n >= 1_000 && n <= 50_000), chaos.toString());
        return received;
    }

    private double oneWayMessagesPerSecond(Pair pair, int messages, int size) throws Exception {
        byte[] message = new byte[size];
        long start = System.nanoTime();
        Future<byte[]> reading =
                background.submit(() -> pair.server().getInputStream().readNBytes(messages * size));
        OutputStream out = pair.client().getOutputStream();
        for (int i = 0; i < messages; i++) {
            out.write(message); // One write, one segment: TCP_NODELAY is on.
        }
        assertEquals(messages * size, reading.get(10, TimeUnit.SECONDS).length);
        return messages / ((System.nanoTime() - start) / 1e9);
    }

    private double roundTripsPerSecond(Pair pair, int trips, int size) throws Exception {
        byte[] message = new byte[size];
        InputStream clientIn = pair.client().getInputStream();
        OutputStream clientOut = pair.client().getOutputStream();
        InputStream serverIn = pair.server().getInputStream();
        OutputStream serverOut = pair.server().getOutputStream();
        Future<?> echo = background.submit(() -> {
            for (int i = 0; i < trips; i++) {
                serverOut.write(serverIn.readNBytes(size));
            }
            return null;
        });
        long start = System.nanoTime();
        for (int i = 0; i < trips; i++) {
            clientOut.write(message);
            assertEquals(size, clientIn.readNBytes(size).length);
        }
        double rate = trips / ((System.nanoTime() - start) / 1e9);
        echo.get(10, TimeUnit.SECONDS);
        return rate;
    }

    private double megabytesPerSecond(Pair pair, int total) throws Exception {
        byte[] chunk = random(8, 64 * 1024);
        long start = System.nanoTime();
        Future<Long> reading =
                background.submit(() -> pair.server().getInputStream().transferTo(OutputStream.nullOutputStream()));
        OutputStream out = pair.client().getOutputStream();
        for (int sent = 0; sent < total; sent += chunk.length) {
            out.write(chunk);
        }
        pair.client().shutdownOutput();
        assertEquals((long) total, reading.get(10, TimeUnit.SECONDS));
        return total / 1e6 / ((System.nanoTime() - start) / 1e9);
    }

    private static String render(HttpClient http, URI page) throws Exception {
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The page's channel URL: its own path with {@code ws:} and the token from its HTML. */
    private static URI channelOf(URI page, String html) {
        Matcher token = TOKEN.matcher(html);
        assertTrue(token.find(), "no page token in " + html);
        return URI.create("ws://" + page.getAuthority() + page.getPath() + "?pagewire=" + token.group(1));
    }

    /** A page channel over the JDK's WebSocket client: text messages in order, and how it ended. */
    private static final class Channel implements WebSocket.Listener, AutoCloseable {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        /** "close CODE" for a close frame, "error ..." for a connection that broke. */
        final CompletableFuture<String> ended = new CompletableFuture<>();

        private final StringBuilder text = new StringBuilder();
        private WebSocket socket;

        static Channel open(HttpClient http, URI uri) throws Exception {
            Channel channel = new Channel();
            channel.socket = http.newWebSocketBuilder()
                    .connectTimeout(TIMEOUT)
                    .buildAsync(uri, channel)
                    .get(10, TimeUnit.SECONDS);
            return channel;
        }

        /** The next text message that is not a ping. */
        String nextText() throws InterruptedException {
            while (true) {
                String message = texts.poll(10, TimeUnit.SECONDS);
                assertTrue(message != null, "no message within 10 s");
                if (!message.equals("[\"ping\"]")) {
                    return message;
                }
            }
        }

        /** Drops the connection: an HttpClient closes only once its WebSockets are gone. */
        @Override
        public void close() {
            socket.abort();
        }

        void send(String message) throws Exception {
            socket.sendText(message, true).get(10, TimeUnit.SECONDS);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                texts.add(text.toString());
                text.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended.complete("close " + statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended.complete("error " + error);
        }
    }
}
