package dev.pagewire.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.Channel;
import dev.pagewire.Page;
import dev.pagewire.netty.testing.FaultyRelay;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.Servers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Channels to endpoints on the page's one connection (docs/PROTOCOL.md §12.1), on each server and
 * each transport.
 */
class ChannelsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @AutoClose
    private final Closer closer = new Closer();

    private PagewireClient connect(TestServer server, URI page, Transport transport) throws Exception {
        PagewireClient client = closer.add(PagewireClient.open(
                page, o -> o.forceTransport(transport).reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(100))));
        Wait.await(TIMEOUT, "the client to connect", () -> client.state() == ConnectionState.CONNECTED);
        return client;
    }

    /** A channel's events as the client saw them. */
    private static final class Seen {
        final List<JsonNode> hellos = new CopyOnWriteArrayList<>();
        final List<JsonNode> echoed = new CopyOnWriteArrayList<>();
        final List<byte[]> reversed = new CopyOnWriteArrayList<>();
        final List<Integer> numbers = new CopyOnWriteArrayList<>();
        final List<ChannelStateChange> states = new CopyOnWriteArrayList<>();

        void listen(ClientChannel c) {
            c.on("hello", hellos::add)
                    .on("echoed", echoed::add)
                    .onBinary("reversed", reversed::add)
                    .on("n", n -> numbers.add(n.asInt()))
                    .onState(states::add)
                    .handle("double", n -> n.asInt() * 2);
        }

        ChannelStateChange last() {
            return states.isEmpty() ? null : states.getLast();
        }

        long reconnects() {
            return states.stream()
                    .filter(s -> s.state() == ChannelState.RECONNECTING)
                    .count();
        }
    }

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)
    void threeChannelsCarryEventsBinaryAndCallsBothWaysAndClosingOneLeavesTheOthers(Servers kind, Transport transport)
            throws Exception {
        TestServer server = closer.add(new TestServer(kind));
        PagewireClient client = connect(server, server.page(), transport);
        Page page = server.nextPage();
        List<Seen> seen = List.of(new Seen(), new Seen(), new Seen());
        List<ClientChannel> channels = new ArrayList<>();
        List<Channel> ends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Seen s = seen.get(i);
            channels.add(client.open(TestServer.STOCKS, Map.of("who", "c" + i), s::listen));
            ends.add(server.channel("c" + i));
        }
        for (int i = 0; i < 3; i++) {
            ClientChannel c = channels.get(i);
            Seen s = seen.get(i);
            c.opened().get(10, TimeUnit.SECONDS);
            assertEquals(ChannelState.OPEN, c.state());
            Wait.await(TIMEOUT, "the endpoint's greeting", () -> s.hellos.size() == 1);
            assertEquals("c" + i, s.hellos.getFirst().path("who").asText(), "each channel is its own instance");
            assertEquals(page.id(), ends.get(i).page().id(), "the instance knows the page that opened it");

            c.emit("echo", Map.of("on", i));
            c.emit("bytes", new byte[] {1, 2, (byte) i});
            assertEquals(
                    2 + i,
                    c.call("add", Map.of("a", 2, "b", i))
                            .get(10, TimeUnit.SECONDS)
                            .asInt());
            assertEquals("c" + i, c.call("who", null).get(10, TimeUnit.SECONDS).asText());
            assertEquals(
                    2 * (10 + i),
                    ends.get(i).call("double", 10 + i).get(10, TimeUnit.SECONDS).asInt());
            Wait.await(TIMEOUT, "the echoes on channel " + i, () -> s.echoed.size() == 1 && s.reversed.size() == 1);
            assertEquals(i, s.echoed.getFirst().path("on").asInt());
            assertArrayEquals(new byte[] {(byte) i, 2, 1}, s.reversed.getFirst());
        }
        assertEquals(
                "unknown_call", failure(channels.get(0).call("nothing", null)).code());

        CompletableFuture<JsonNode> pageCall = client.call("add", Map.of("a", 20, "b", 22));
        channels.get(1).close();
        assertEquals(ChannelState.CLOSED, channels.get(1).state());
        Wait.await(TIMEOUT, "the endpoint instance to close", ends.get(1)::isClosed);
        assertThrows(IllegalStateException.class, () -> channels.get(1).emit("echo", 1));

        // The others and the page go on.
        assertEquals(42, pageCall.get(10, TimeUnit.SECONDS).asInt());
        for (int i : new int[] {0, 2}) {
            Seen s = seen.get(i);
            channels.get(i).emit("echo", "after");
            Wait.await(TIMEOUT, "an echo after the close on channel " + i, () -> s.echoed.size() == 2);
            assertEquals(ChannelState.OPEN, channels.get(i).state());
            assertTrue(!ends.get(i).isClosed());
        }
        // Frames the endpoint sent on a closed channel are dropped but counted: the page still hears.
        ends.get(1).emit("echoed", "late");
        List<JsonNode> pageEchoes = new CopyOnWriteArrayList<>();
        client.on("echoed", pageEchoes::add);
        client.emit("echo", "page");
        Wait.await(TIMEOUT, "the page's own echo", () -> pageEchoes.size() == 1);
        assertEquals(1, seen.get(1).echoed.size());
        assertEquals(
                List.of(ChannelState.OPEN, ChannelState.CLOSED),
                seen.get(1).states.stream().map(ChannelStateChange::state).toList());
        assertEquals("closed", seen.get(1).last().code());
    }

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)
    void anAuthorizersRefusalReachesTheClientWithItsReason(Servers kind, Transport transport) throws Exception {
        TestServer server = closer.add(new TestServer(kind));
        PagewireClient client = connect(server, server.page(), transport);
        Seen seen = new Seen();
        ClientChannel refused = client.open(TestServer.PRIVATE, Map.of("key", "guess"), seen::listen);
        ChannelRefusedException e = refusal(refused);
        assertEquals("refused", e.code());
        assertEquals("members only", e.reason());
        Wait.await(TIMEOUT, "the refused state", () -> refused.state() == ChannelState.REFUSED);
        Wait.await(TIMEOUT, "the refused state event", () -> seen.last() != null);
        assertEquals(new ChannelStateChange(ChannelState.REFUSED, "refused", "members only"), seen.last());
        assertThrows(IllegalStateException.class, () -> refused.emit("echo", 1));

        ClientChannel admitted = client.open(TestServer.PRIVATE, Map.of("key", "secret", "who", "member"));
        admitted.opened().get(10, TimeUnit.SECONDS);
        assertEquals(
                "member", admitted.call("who", null).get(10, TimeUnit.SECONDS).asText());
    }

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)
    void aChannelToNoEndpointIsRefusedNotFound(Servers kind, Transport transport) throws Exception {
        TestServer server = closer.add(new TestServer(kind));
        PagewireClient client = connect(server, server.page(), transport);
        ClientChannel nowhere = client.open("/nowhere", null);
        assertEquals("not_found", refusal(nowhere).code());
        assertEquals(ChannelState.REFUSED, nowhere.state());
        assertEquals(
                5,
                client.call("add", Map.of("a", 2, "b", 3))
                        .get(10, TimeUnit.SECONDS)
                        .asInt(),
                "the page goes on");
    }

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)
    void channelsSurviveADroppedConnectionWithNothingLostEitherWay(Servers kind, Transport transport) throws Exception {
        TestServer server = closer.add(new TestServer(kind));
        FaultyRelay relay = closer.add(FaultyRelay.start(new InetSocketAddress("127.0.0.1", server.port())));
        PagewireClient client =
                connect(server, URI.create("http://127.0.0.1:" + relay.port() + TestServer.PATH), transport);
        Seen a = new Seen();
        Seen b = new Seen();
        ClientChannel first = openStocks(client, "a", a);
        ClientChannel second = openStocks(client, "b", b);
        Channel endA = server.channel("a");
        Channel endB = server.channel("b");
        int count = 300;
        int drops = 0;
        for (int i = 1; i <= count; i++) {
            endA.emit("n", i);
            endB.emit("n", -i);
            first.emit("up", i);
            second.emit("up", -i);
            if (i % 100 == 0) {
                drop(client, relay, a, ++drops);
            }
        }
        Wait.await(
                TIMEOUT,
                "every event on both channels, both ways",
                () -> a.numbers.size() >= count
                        && b.numbers.size() >= count
                        && server.channelUps.get("a").size() >= count
                        && server.channelUps.get("b").size() >= count);
        assertEquals(IntStream.rangeClosed(1, count).boxed().toList(), a.numbers);
        assertEquals(IntStream.rangeClosed(1, count).map(i -> -i).boxed().toList(), b.numbers);
        assertEquals(IntStream.rangeClosed(1, count).boxed().toList(), server.channelUps.get("a"));
        assertEquals(IntStream.rangeClosed(1, count).map(i -> -i).boxed().toList(), server.channelUps.get("b"));
        Wait.await(
                TIMEOUT,
                "the channels to be open again",
                () -> first.state() == ChannelState.OPEN && second.state() == ChannelState.OPEN);
        int dropped = drops;
        Wait.await(TIMEOUT, "the other channel to follow each drop too", () -> b.reconnects() >= dropped);
    }

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)
    void channelsEndWithThePageAndWhenTheEndpointClosesThem(Servers kind, Transport transport) throws Exception {
        TestServer server = closer.add(new TestServer(kind));
        PagewireClient client = connect(server, server.page(), transport);
        Page page = server.nextPage();
        Seen byEndpoint = new Seen();
        Seen byPage = new Seen();
        ClientChannel closedByEndpoint = openStocks(client, "e", byEndpoint);
        ClientChannel closedByPage = openStocks(client, "p", byPage);
        CompletableFuture<JsonNode> waiting = closedByPage.call("nothing-answers", null, Duration.ofSeconds(30));
        server.channel("e").close();
        Wait.await(TIMEOUT, "the endpoint's close", () -> closedByEndpoint.state() == ChannelState.CLOSED);
        Wait.await(
                TIMEOUT,
                "its state event",
                () -> byEndpoint.last() != null && byEndpoint.last().state() == ChannelState.CLOSED);
        assertEquals("closed", byEndpoint.last().code());
        assertEquals(ChannelState.OPEN, closedByPage.state());

        page.close();
        Wait.await(
                TIMEOUT,
                "the page's close to end the channel",
                () -> closedByPage.state().isFinal());
        // Not EXPIRED: that would mean the client took the close for a lost connection.
        assertEquals(ChannelState.CLOSED, closedByPage.state(), "the channel's states: " + byPage.states);
        Wait.await(
                TIMEOUT,
                "its state event",
                () -> byPage.last() != null && byPage.last().state() == ChannelState.CLOSED);
        assertEquals("page_closed", byPage.last().code());
        // The pending call fails on the client's callback thread, which may run after the state event.
        Wait.await(TIMEOUT, "the pending call to end with the channel", waiting::isDone);
        assertTrue(waiting.isCompletedExceptionally(), "a call on a closed channel fails: " + waiting);
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void anOpenHandlerThatFailsAndOneChannelTooManyAreRefusedWithTheirCodes(Servers kind) throws Exception {
        TestServer server = closer.add(new TestServer(kind, s -> s.maxChannels(2)));
        PagewireClient client = connect(server, server.page(), Transport.WEBSOCKET);
        // §12.1 answers a failed open handler with chclose "error". The server sends chok before it
        // runs the handler (what the handler emits follows chok), so the client sees OPEN, then
        // CLOSED; were chok sent after the handler returned, it would be REFUSED. The code is the same.
        Seen broken = new Seen();
        ClientChannel failing = client.open(TestServer.BROKEN, null, broken::listen);
        Wait.await(
                TIMEOUT,
                "the failed open to end the channel",
                () -> broken.last() != null && broken.last().state().isFinal());
        assertEquals("error", broken.last().code());
        assertTrue(failing.state().isFinal());
        assertTrue(
                !broken.last().reason().contains("on purpose"),
                "the failure stays in the server's log: " + broken.last().reason());
        openStocks(client, "one", new Seen());
        openStocks(client, "two", new Seen());
        ClientChannel third = client.open(TestServer.STOCKS, Map.of("who", "three"));
        assertEquals("limit", refusal(third).code());
        assertEquals(ChannelState.REFUSED, third.state());
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void theEndpointsErrorsReachTheChannelsOwnListeners(Servers kind) throws Exception {
        TestServer server = closer.add(new TestServer(kind));
        PagewireClient client = connect(server, server.page(), Transport.WEBSOCKET);
        List<ServerError> pageErrors = new CopyOnWriteArrayList<>();
        client.onError(pageErrors::add);
        List<ServerError> errors = new CopyOnWriteArrayList<>();
        ClientChannel channel = client.open(TestServer.STOCKS, null, c -> c.onError(errors::add));
        channel.opened().get(10, TimeUnit.SECONDS);
        channel.emit("no-such-event", 1);
        Wait.await(TIMEOUT, "the endpoint's err frame", () -> errors.size() == 1);
        assertEquals("unknown_event", errors.getFirst().code());
        assertEquals(List.of(), pageErrors, "a channel's error is not the page's");
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void aChannelOfAPageWhoseTokenIsRefusedExpiresWithIt(Servers kind) throws Exception {
        TestServer server = closer.add(new TestServer(kind));
        PagewireClient client = closer.add(PagewireClient.connect(server.page(), "v1.AAAA.1.forged", o -> {}));
        ClientChannel channel = client.open(TestServer.STOCKS, null);
        assertEquals("page_closed", refusal(channel).code());
        assertEquals(ChannelState.EXPIRED, channel.state());
        assertEquals(ConnectionState.EXPIRED, client.state());
        assertThrows(IllegalStateException.class, () -> client.open(TestServer.STOCKS, null));
    }

    /**
     * Drops the client's connection (the {@code drops}th time) once it is connected, and cuts again
     * until the channel noticed: a cut can go unseen, as long-polling between two polls has nothing
     * in flight and the JDK's HttpClient retries a GET whose idle connection was cut.
     */
    private static void drop(PagewireClient client, FaultyRelay relay, Seen seen, int drops) {
        Wait.await(
                TIMEOUT,
                "the client to be connected before drop " + drops,
                () -> client.state() == ConnectionState.CONNECTED);
        Wait.await(TIMEOUT, "the channel to notice drop " + drops, () -> {
            if (seen.reconnects() >= drops) {
                return true;
            }
            relay.cutAll();
            return false;
        });
    }

    /** A channel to {@code /stocks} for {@code who}, once the endpoint admitted it. */
    private static ClientChannel openStocks(PagewireClient client, String who, Seen seen) throws Exception {
        ClientChannel channel = client.open(TestServer.STOCKS, Map.of("who", who), seen::listen);
        channel.opened().get(10, TimeUnit.SECONDS);
        return channel;
    }

    private static ChannelRefusedException refusal(ClientChannel channel) {
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> channel.opened().get(10, TimeUnit.SECONDS));
        return assertInstanceOf(ChannelRefusedException.class, e.getCause());
    }

    private static CallFailedException failure(CompletableFuture<JsonNode> call) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(CallFailedException.class, e.getCause());
    }
}
