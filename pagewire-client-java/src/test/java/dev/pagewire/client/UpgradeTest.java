package dev.pagewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.Servers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The remembered fallback (docs/PROTOCOL.md §9.2) and the later upgrade to WebSocket (§9.5), on each
 * server. How the client reads its memory runs on Netty alone.
 */
class UpgradeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @AutoClose
    private final Closer closer = new Closer();

    private final List<StateChange> states = new CopyOnWriteArrayList<>();

    private static String origin(TestServer server) {
        return "http://127.0.0.1:" + server.port();
    }

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_FALLBACKS)
    void aClientOnARememberedFallbackUpgradesToWebSocketWithNothingLostEitherWay(Servers kind, Transport fallback)
            throws Exception {
        TestServer server = closer.add(new TestServer(kind));
        TransportMemory memory = TransportMemory.inMemory();
        memory.remember(origin(server), new TransportMemory.Remembered(fallback, Instant.now()));
        List<Integer> got = new CopyOnWriteArrayList<>();
        List<Integer> channelEchoes = new CopyOnWriteArrayList<>();
        List<ChannelStateChange> channelStates = new CopyOnWriteArrayList<>();
        List<Transport> switches = new CopyOnWriteArrayList<>();
        int count = 400;
        ClientChannel[] channel = new ClientChannel[1];
        PagewireClient client = closer.add(PagewireClient.open(
                server.page(),
                o -> o.transportMemory(memory)
                        .upgradeAfter(Duration.ofMillis(300))
                        .setup(c -> c.onState(states::add)
                                .onTransport(switches::add)
                                .on("n", n -> {
                                    got.add(n.asInt());
                                    c.emit("up", n.asInt()); // the client answers the stream while it switches
                                    channel[0].emit("echo", n.asInt()); // and so does a channel, both ways
                                    channel[0].emit("up", n.asInt());
                                }))));
        channel[0] = client.open(
                TestServer.STOCKS,
                Map.of("who", "u"),
                ch -> ch.on("echoed", e -> channelEchoes.add(e.asInt())).onState(channelStates::add));
        Page page = server.nextPage();
        Wait.await(TIMEOUT, "the client to connect", () -> client.state() == ConnectionState.CONNECTED);
        channel[0].opened().get(10, TimeUnit.SECONDS);
        assertEquals(fallback, client.transport(), "started on the remembered fallback");

        // Spread over about 2 s, so the upgrade (after 300 ms) happens in the middle of it.
        client.emit("stream", Map.of("count", count, "every", 10, "pauseMillis", 50));
        Wait.await(TIMEOUT, "the switch to WebSocket", () -> !switches.isEmpty());
        assertEquals(Transport.WEBSOCKET, client.transport());
        assertTrue(got.size() < count, "the upgrade came before the stream ended (" + got.size() + " received)");
        Wait.await(
                TIMEOUT,
                "every event both ways, on the page and on the channel",
                () -> got.size() >= count
                        && server.ups.size() >= count
                        && channelEchoes.size() >= count
                        && server.channelUps.get("u").size() >= count);

        List<Integer> expected = IntStream.rangeClosed(1, count).boxed().toList();
        assertEquals(expected, List.copyOf(got), "server to client");
        assertEquals(expected, List.copyOf(server.ups), "client to server");
        assertEquals(expected, List.copyOf(channelEchoes), "on the channel, there and back");
        assertEquals(expected, List.copyOf(server.channelUps.get("u")), "on the channel, client to server");
        assertEquals(
                List.of(new ChannelStateChange(ChannelState.OPEN, "", "")),
                channelStates,
                "the channel sees no change either");
        assertEquals("websocket", page.transport());
        assertEquals(
                List.of(new StateChange(ConnectionState.CONNECTED, 0, "", fallback)),
                states,
                "listeners see no state change for the switch");
        assertEquals(List.of(Transport.WEBSOCKET), switches, "only the transport event");
        assertNull(memory.recall(origin(server)), "a WebSocket that said hello is nothing to remember");
        assertEquals(
                6,
                client.call("add", Map.of("a", 3, "b", 3))
                        .get(10, TimeUnit.SECONDS)
                        .asInt());
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void aRefusedWebSocketIsRememberedAndAFailedUpgradeKeepsTheFallback(Servers kind) throws Exception {
        TestServer server = closer.add(
                new TestServer(kind, s -> {}, Servers.Options.defaults().withWebSocket(false)));
        List<TransportMemory.Remembered> written = new CopyOnWriteArrayList<>();
        TransportMemory inner = TransportMemory.inMemory();
        TransportMemory memory = new TransportMemory() {
            @Override
            public Remembered recall(String origin) {
                return inner.recall(origin);
            }

            @Override
            public void remember(String origin, Remembered remembered) {
                written.add(remembered);
                inner.remember(origin, remembered);
            }

            @Override
            public void forget(String origin) {
                inner.forget(origin);
            }
        };
        List<Integer> got = new CopyOnWriteArrayList<>();
        PagewireClient first = closer.add(PagewireClient.open(
                server.page(),
                o -> o.transportMemory(memory)
                        .upgradeAfter(Duration.ofMillis(100))
                        .setup(c -> c.onState(states::add).on("echoed", e -> got.add(e.asInt())))));
        Wait.await(TIMEOUT, "the client to fall back", () -> first.state() == ConnectionState.CONNECTED);
        assertEquals(Transport.SSE, first.transport());
        Wait.await(
                TIMEOUT, "the fallback remembered, then a failed upgrade remembered again", () -> written.size() >= 2);
        assertEquals(Transport.SSE, memory.recall(origin(server)).transport());
        first.emit("echo", 1);
        Wait.await(TIMEOUT, "an echo over the fallback after the failed upgrade", () -> got.contains(1));
        assertEquals(Transport.SSE, first.transport());
        assertEquals(List.of(new StateChange(ConnectionState.CONNECTED, 0, "", Transport.SSE)), states);
    }

    @Test
    void aRememberedFallbackOlderThanRememberForIsIgnored() throws Exception {
        TestServer server = closer.add(new TestServer(Servers.NETTY));
        TransportMemory memory = TransportMemory.inMemory();
        memory.remember(
                origin(server),
                new TransportMemory.Remembered(
                        Transport.LONGPOLLING, Instant.now().minus(Duration.ofHours(2))));
        PagewireClient client = closer.add(PagewireClient.open(
                server.page(), o -> o.transportMemory(memory).setup(c -> c.onState(states::add))));
        Wait.await(TIMEOUT, "the client to connect", () -> client.state() == ConnectionState.CONNECTED);
        assertEquals(Transport.WEBSOCKET, client.transport());
        assertNull(memory.recall(origin(server)));
    }

    @Test
    void aForcedTransportNeitherReadsNorWritesTheMemory() throws Exception {
        TestServer server = closer.add(new TestServer(Servers.NETTY));
        TransportMemory memory = TransportMemory.inMemory();
        memory.remember(origin(server), new TransportMemory.Remembered(Transport.SSE, Instant.now()));
        PagewireClient client = closer.add(PagewireClient.open(
                server.page(), o -> o.transportMemory(memory).forceTransport(Transport.WEBSOCKET)));
        Wait.await(TIMEOUT, "the client to connect", () -> client.state() == ConnectionState.CONNECTED);
        assertEquals(Transport.WEBSOCKET, client.transport());
        assertEquals(Transport.SSE, memory.recall(origin(server)).transport());
    }
}
