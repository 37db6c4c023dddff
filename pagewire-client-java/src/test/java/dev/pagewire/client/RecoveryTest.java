package dev.pagewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.Page;
import dev.pagewire.client.internal.PageLoader;
import dev.pagewire.netty.testing.FaultyRelay;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.Servers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the client recovers, or gives way, when connections go wrong (docs/PROTOCOL.md §4, §5, §9,
 * §10.2, §10.4), on each server; the client's own check of a server's acks plays the server itself.
 */
class RecoveryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @AutoClose
    private final Closer closer = new Closer();

    private final List<StateChange> states = new CopyOnWriteArrayList<>();

    @ParameterizedTest
    @EnumSource(Servers.class)
    void aRefusedWebSocketFallsBackToSse(Servers kind) throws Exception {
        TestServer server = closer.add(
                new TestServer(kind, s -> {}, Servers.Options.defaults().withWebSocket(false)));
        PagewireClient client =
                closer.add(PagewireClient.open(server.page(), o -> o.setup(c -> c.onState(states::add))));
        Wait.await(TIMEOUT, "the client to connect", () -> client.state() == ConnectionState.CONNECTED);
        assertEquals(Transport.SSE, client.transport());
        // The state changes before listeners hear of it, on the client's callback thread.
        Wait.await(TIMEOUT, "the connected state event", () -> !states.isEmpty());
        assertEquals(
                List.of(new StateChange(ConnectionState.CONNECTED, 0, "", Transport.SSE)),
                states,
                "no state change while trying the next transport (§9.4)");
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void aConnectionReplacedByAnotherCopyReconnectsThenGivesWayOnTheThird(Servers kind) throws Exception {
        TestServer server = closer.add(new TestServer(kind));
        String token = PageLoader.load(HttpClient.newHttpClient(), server.page(), TIMEOUT)
                .token();
        PagewireClient first = closer.add(PagewireClient.connect(
                server.page(),
                token,
                o -> o.reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(40))
                        .setup(c -> c.onState(states::add))));
        Wait.await(TIMEOUT, "the first copy to connect", () -> first.state() == ConnectionState.CONNECTED);
        // A second copy of the page with the same token: each takes the channel from the other.
        List<StateChange> seconds = new CopyOnWriteArrayList<>();
        PagewireClient second = closer.add(PagewireClient.connect(
                server.page(),
                token,
                o -> o.reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(40))
                        .setup(c -> c.onState(seconds::add))));
        Wait.await(
                TIMEOUT,
                "one copy to give way for good",
                () -> first.state() == ConnectionState.CLOSED || second.state() == ConnectionState.CLOSED);
        List<StateChange> loser = first.state() == ConnectionState.CLOSED ? states : seconds;
        // The state changes before listeners hear of it, on the client's callback thread.
        Wait.await(
                TIMEOUT,
                "the closed state event",
                () -> !loser.isEmpty() && loser.getLast().state() == ConnectionState.CLOSED);
        assertEquals(4409, loser.getLast().code());
        assertTrue(
                loser.stream()
                                .filter(s -> s.state() == ConnectionState.RECONNECTING && s.code() == 4409)
                                .count()
                        >= 1,
                "reconnected after the first 4409: " + loser);
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void framesTheServerCouldNotKeepAreReportedAsMissedAndSkipped(Servers kind) throws Exception {
        TestServer server = closer.add(new TestServer(kind, s -> s.maxReplayFrames(10)));
        FaultyRelay relay = closer.add(FaultyRelay.start(new InetSocketAddress("127.0.0.1", server.port())));
        List<Integer> got = new CopyOnWriteArrayList<>();
        List<Missed> missed = new CopyOnWriteArrayList<>();
        PagewireClient client = closer.add(PagewireClient.open(
                URI.create("http://127.0.0.1:" + relay.port() + TestServer.PATH),
                o -> o.reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(40))
                        .setup(c -> c.on("n", n -> got.add(n.asInt())).onMissed(missed::add))));
        Page page = server.nextPage();
        Wait.await(TIMEOUT, "the client to connect", () -> client.state() == ConnectionState.CONNECTED);
        page.emit("n", 1);
        Wait.await(TIMEOUT, "the first event", () -> got.size() == 1);
        relay.stall();
        for (int i = 2; i <= 100; i++) {
            page.emit("n", i);
        }
        relay.cutAll();
        relay.resume();
        Wait.await(TIMEOUT, "the last event", () -> got.contains(100));
        Wait.await(TIMEOUT, "the missed report", () -> missed.size() == 1);
        Missed m = missed.getFirst();
        assertEquals(2, m.from());
        assertEquals(90, m.to());
        assertEquals(List.of(1, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100), got);
        // Acked past the gap: the client carries on as if it had them (§10.4).
        page.emit("n", 101);
        Wait.await(TIMEOUT, "an event after the gap", () -> got.contains(101));
        assertEquals(IntStream.rangeClosed(91, 101).boxed().toList(), got.subList(1, got.size()));
    }

    /** The browser client's reliability.test.mjs checks the same rule, on the same three kinds of ack. */
    @ParameterizedTest(name = "an ack {0}")
    @ValueSource(strings = {"standalone", "piggybacked on a data frame", "in hello"})
    void anAckAboveTheLastNumberHandedOutClosesWith4400ReconnectsAndLetsGoOfNothing(String form) throws Exception {
        ScriptedServer server = closer.add(new ScriptedServer());
        List<JsonNode> seen = new CopyOnWriteArrayList<>();
        PagewireClient client = closer.add(PagewireClient.connect(
                server.page(),
                "v1.page-1.0.mac",
                o -> o.forceTransport(Transport.WEBSOCKET)
                        .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(40))
                        .setup(c -> {
                            c.onState(states::add).on("x", seen::add);
                            c.emit("up", 1);
                            c.emit("up", 2); // numbered 1 and 2, kept until the server acks them
                        })));
        ScriptedServer.Peer first = server.nextPeer();
        if (form.equals("in hello")) {
            first.send(hello(3));
        } else {
            first.send(hello(0));
            assertEquals("[\"ev\",\"up\",1,1]", first.next());
            assertEquals("[\"ev\",\"up\",2,2]", first.next());
            first.send(form.equals("standalone") ? "[\"ack\",3]" : "[\"ev\",\"x\",\"y\",1,3]");
        }
        assertEquals(4400, first.closeCode());
        ScriptedServer.Peer second = server.nextPeer();
        assertTrue(
                second.uri().getQuery().endsWith("&ack=0"),
                "the frame that carried the ack was not taken: " + second.uri());
        second.send(hello(0));
        assertEquals("[\"ev\",\"up\",1,1]", second.next(), "nothing let go on the strength of that ack");
        assertEquals("[\"ev\",\"up\",2,2]", second.next());
        Wait.await(
                TIMEOUT,
                "the client to connect again",
                () -> !states.isEmpty() && states.getLast().state() == ConnectionState.CONNECTED);
        StateChange dropped = states.stream()
                .filter(s -> s.state() == ConnectionState.RECONNECTING)
                .findFirst()
                .orElseThrow();
        assertEquals(4400, dropped.code());
        assertTrue(dropped.reason().contains("an ack of 3 from the server, above the 2 frames sent"), dropped.reason());
        assertEquals(List.of(), seen);
        assertEquals(2, client.queued(), "both frames still kept: the server has acked neither");
    }

    private static String hello(long ack) {
        return "[\"hello\",{\"v\":1,\"page\":\"page-1\",\"heartbeat\":15000,\"ack\":" + ack + "}]";
    }

    /** The client's own clock, the same whatever the server: on one of them (each run waits 5 s). */
    @Test
    void aSilentConnectionIsGivenUpAfterTwiceTheHeartbeatPlusFiveSeconds() throws Exception {
        TestServer server = closer.add(new TestServer(Servers.NETTY, s -> s.heartbeatInterval(Duration.ofMillis(200))));
        FaultyRelay relay = closer.add(FaultyRelay.start(new InetSocketAddress("127.0.0.1", server.port())));
        PagewireClient client = closer.add(PagewireClient.open(
                URI.create("http://127.0.0.1:" + relay.port() + TestServer.PATH),
                o -> o.reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(40))
                        .setup(c -> c.onState(states::add))));
        Wait.await(TIMEOUT, "the client to connect", () -> client.state() == ConnectionState.CONNECTED);
        relay.stall(); // nothing moves, nothing closes: only liveness can tell
        Wait.await(
                TIMEOUT,
                "the client to give the connection up",
                () -> states.stream().anyMatch(s -> s.code() == 4408));
        relay.resume();
        Wait.await(TIMEOUT, "the client to reconnect", () -> client.state() == ConnectionState.CONNECTED);
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void aFrameRefusedForItsSizeIsGivenUpAndTheRestStillArrives(Servers kind) throws Exception {
        TestServer server = closer.add(new TestServer(kind, s -> s.maxMessageBytes(1024)));
        List<ServerError> errors = new CopyOnWriteArrayList<>();
        PagewireClient client = closer.add(PagewireClient.open(
                server.page(),
                o -> o.reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(40))
                        .setup(c -> c.onError(errors::add))));
        Wait.await(TIMEOUT, "the client to connect", () -> client.state() == ConnectionState.CONNECTED);
        client.emit("up", 1);
        client.emit("up", "x".repeat(2000));
        client.emit("up", 2);
        var call = client.call("add", java.util.Map.of("a", "y".repeat(2000)));
        client.emit("up", 3);
        Wait.await(TIMEOUT, "the frames after the refused ones", () -> server.ups.size() == 3);
        assertEquals(List.of(1, 2, 3), List.copyOf(server.ups));
        // Each refusal is reported, the call's too: it also fails with that code.
        Wait.await(TIMEOUT, "both refusals to be reported", () -> errors.size() == 2);
        assertEquals(
                List.of("message_too_large", "message_too_large"),
                errors.stream().map(ServerError::code).toList());
        var failure = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class,
                () -> call.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("message_too_large", ((CallFailedException) failure.getCause()).code());
    }
}
