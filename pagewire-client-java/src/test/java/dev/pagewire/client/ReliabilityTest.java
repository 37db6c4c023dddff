package dev.pagewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pagewire.netty.testing.FaultyRelay;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.Servers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Nothing lost, nothing doubled, order kept (docs/PROTOCOL.md §10): the Java client talks to the
 * server through a relay that breaks its connections at random points (resets, cuts a few bytes
 * into a frame, stalls) while events flow each way; on each server and each transport. The same
 * proof as {@code ReliabilityEndToEndTest} in Chromium.
 *
 * <p>{@code mvn verify} runs 3,000 events each way across 10 faults (two rounds of the fault
 * cycle); the full plan, 10,000 events across 50 faults, runs with {@code -Dreliability=full}
 * ({@code -Dreliability.events} and {@code -Dreliability.faults} change it):
 *
 * <pre>
 * mvn -pl pagewire-client-java -am verify -Dreliability=full -Dtest=ReliabilityTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * A run is spent mostly waiting: the server paces its stream (a pause of 50 ms after every 25
 * events, about 500 a second) so that the faults land all along it. The nine runs therefore go side
 * by side, three at a time (src/test/resources/junit-platform.properties), each with its own server,
 * relay and client.
 */
class ReliabilityTest {

    private static final boolean FULL = "full".equals(System.getProperty("reliability"));
    private static final int EVENTS = FULL ? Integer.getInteger("reliability.events", 10_000) : 3_000;
    private static final int FAULTS = FULL ? Integer.getInteger("reliability.faults", 50) : 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @AutoClose
    private final Closer closing = new Closer();

    private final List<Integer> got = new CopyOnWriteArrayList<>();
    private final List<String> transitions = new CopyOnWriteArrayList<>();
    private PagewireClient client;
    /** How many {@code up} events were emitted; guarded by this. */
    private int ups;

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)
    @Execution(ExecutionMode.CONCURRENT) // its runs side by side, the other tests not meanwhile
    void everyEventEachWayArrivesOnceAndInOrderAcrossFaults(Servers kind, Transport transport) throws Exception {
        // -Dreliability.transport=SSE and -Dreliability.server=JETTY run one transport or one server
        // only, to replay a failure.
        org.junit.jupiter.api.Assumptions.assumeTrue(
                System.getProperty("reliability.transport", transport.name()).equals(transport.name()));
        org.junit.jupiter.api.Assumptions.assumeTrue(
                System.getProperty("reliability.server", kind.name()).equals(kind.name()));
        // Bounded replay (8192 frames, fewer than the 10,000): only the client's acks keep the
        // server from dropping frames, so an ack that never comes shows up as missed events. The
        // bound covers what the stream (at most 500 events/s) emits while liveness (2 x 500 ms +
        // 5 s) ends a connection whose end the JDK's WebSocket did not report (seen after a cut in
        // mid-frame), with room for a loaded machine: 4096 frames (about 8 s) ran out once in a CI
        // run, a dead connection then being noticed only by the server's idle timeout (4408).
        TestServer server = new TestServer(
                kind, s -> s.heartbeatInterval(Duration.ofMillis(500)).maxReplayFrames(8192));
        closing.add(server);
        FaultyRelay relay = FaultyRelay.start(new InetSocketAddress("127.0.0.1", server.port()));
        closing.add(relay);
        client = PagewireClient.open(
                URI.create("http://127.0.0.1:" + relay.port() + TestServer.PATH),
                o -> o.forceTransport(transport)
                        .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500))
                        .setup(c -> c.on("n", n -> {
                                    got.add(n.asInt());
                                    emitUps(); // the page answers the stream with a stream of its own
                                })
                                .onState(s -> transitions.add(s.state() + " " + s.code()))
                                .onMissed(m -> transitions.add("MISSED " + m))));
        closing.add(client);
        Wait.await(TIMEOUT, "the client to connect", () -> client.state() == ConnectionState.CONNECTED);
        client.emit("stream", Map.of("count", EVENTS, "every", 25, "pauseMillis", 50));

        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<String> faults = new ArrayList<>();
        while (faults.size() < FAULTS) {
            int at = got.size() + 5 + random.nextInt(30);
            if (at >= EVENTS) {
                break;
            }
            awaitReceived(at, faults, seed);
            long cutsBefore = relay.cuts();
            switch (faults.size() % 5) {
                case 0, 1, 2 -> {
                    if (relay.cutAll() > 0) {
                        faults.add("reset@" + at);
                    }
                }
                case 3 -> {
                    long bytes = 1 + random.nextInt(200);
                    FaultyRelay.Direction direction =
                            random.nextBoolean() ? FaultyRelay.Direction.DOWNSTREAM : FaultyRelay.Direction.UPSTREAM;
                    relay.cutAfter(bytes, direction);
                    Wait.await(
                            TIMEOUT, "a cut after " + bytes + " bytes " + direction, () -> relay.cuts() > cutsBefore);
                    faults.add(
                            "cut+" + bytes + (direction == FaultyRelay.Direction.UPSTREAM ? "up" : "down") + "@" + at);
                }
                default -> {
                    relay.stall(Duration.ofMillis(200 + random.nextInt(400)));
                    Wait.await(TIMEOUT, "the stall to end", () -> !relay.stalled());
                    faults.add("stall@" + at);
                }
            }
        }
        String story = kind + ", " + transport + ", seed " + seed + "L, faults " + faults;
        assertEquals(FAULTS, faults.size(), "the streams ended before every fault could hit them; " + story);

        awaitReceived(EVENTS, faults, seed);
        Wait.await(TIMEOUT, "every up event to be emitted; " + story, () -> emitUps() == EVENTS);
        Wait.await(TIMEOUT, EVENTS + " up events on the server; " + story, () -> server.ups.size() >= EVENTS);
        List<Integer> expected = IntStream.rangeClosed(1, EVENTS).boxed().toList();
        assertEquals(expected, List.copyOf(got), "server to client; " + story);
        assertEquals(expected, List.copyOf(server.ups), "client to server; " + story);
        System.err.println("[ReliabilityTest] " + story + "; " + transitions.size() + " state changes");
    }

    /** Emits {@code up} events up to the count of {@code n} events received, as the queue allows. */
    private synchronized int emitUps() {
        int target = got.size();
        try {
            while (ups < target) {
                client.emit("up", ups + 1);
                ups++;
            }
        } catch (IllegalStateException full) {
            // maxQueued frames wait for the server's ack: the next call goes on.
        }
        return ups;
    }

    private void awaitReceived(int count, List<String> faults, long seed) {
        try {
            Wait.await(TIMEOUT, "the client to receive " + count + " events", () -> got.size() >= count);
        } catch (AssertionError e) {
            throw new AssertionError(
                    e.getMessage() + " (has " + got.size() + ", last " + got.getLast()
                            + ", state " + client.state() + ", " + client.queued() + " queued, threads in "
                            + dumpThreads() + "); seed " + seed + "L, faults " + faults + ", states " + transitions,
                    e);
        }
    }

    /** A dump of every thread, virtual ones included, for a failure that is hard to replay. */
    private static String dumpThreads() {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("reliability-threads-", ".txt");
            java.nio.file.Files.delete(file);
            java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .dumpThreads(
                            file.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            return file.toString();
        } catch (Exception e) {
            return "(no thread dump: " + e + ")";
        }
    }
}
