package dev.pagewire.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.Channel;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.Servers;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A client without a page: a connection of its own to an endpoint (docs/PROTOCOL.md §12.2), on each
 * server.
 */
class EndpointConnectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @AutoClose
    private final Closer closer = new Closer();

    private TestServer server;

    private void start(Servers kind) {
        server = closer.add(new TestServer(kind));
    }

    private URI endpoint(String path) {
        return server.server.uri().resolve(path);
    }

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)
    void theClientsOwnChannelIsTheEndpointInstanceWithEventsAndCallsBothWays(Servers kind, Transport transport)
            throws Exception {
        start(kind);
        List<JsonNode> hellos = new CopyOnWriteArrayList<>();
        List<JsonNode> echoed = new CopyOnWriteArrayList<>();
        List<byte[]> reversed = new CopyOnWriteArrayList<>();
        PagewireClient client = closer.add(PagewireClient.openEndpoint(
                endpoint(TestServer.STOCKS),
                Map.of("who", "bot"),
                o -> o.forceTransport(transport)
                        .setup(c -> c.on("hello", hellos::add)
                                .on("echoed", echoed::add)
                                .onBinary("reversed", reversed::add)
                                .handle("double", n -> n.asInt() * 2))));
        Channel instance = server.channel("bot");
        Wait.await(TIMEOUT, "the client to connect", () -> client.state() == ConnectionState.CONNECTED);
        assertEquals(transport, client.transport());
        Wait.await(TIMEOUT, "the endpoint's greeting", () -> hellos.size() == 1);
        assertEquals("bot", hellos.getFirst().path("who").asText(), "the params of the POST");

        client.emit("echo", "hi");
        client.emit("bytes", new byte[] {7, 8});
        assertEquals(
                9,
                client.call("add", Map.of("a", 4, "b", 5))
                        .get(10, TimeUnit.SECONDS)
                        .asInt());
        assertEquals("bot", client.call("who", null).get(10, TimeUnit.SECONDS).asText());
        assertEquals(8, instance.call("double", 4).get(10, TimeUnit.SECONDS).asInt());
        Wait.await(TIMEOUT, "the echoes", () -> echoed.size() == 1 && reversed.size() == 1);
        assertEquals("hi", echoed.getFirst().asText());
        assertArrayEquals(new byte[] {8, 7}, reversed.getFirst());

        // More channels to endpoints of the same server ride on this connection (§12.2, 2.).
        ClientChannel more = client.open(TestServer.STOCKS, Map.of("who", "more"));
        more.opened().get(10, TimeUnit.SECONDS);
        assertEquals("more", more.call("who", null).get(10, TimeUnit.SECONDS).asText());

        instance.close();
        Wait.await(TIMEOUT, "the instance's close to close the client", () -> client.state() == ConnectionState.CLOSED);
        Wait.await(TIMEOUT, "its channels to end with it", () -> more.state() == ChannelState.CLOSED);
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void anAuthorizersRefusalIsThrownWithItsReason(Servers kind) {
        start(kind);
        ChannelRefusedException e = assertThrows(
                ChannelRefusedException.class,
                () -> PagewireClient.openEndpoint(endpoint(TestServer.PRIVATE), Map.of("key", "guess")));
        assertEquals("refused", e.code());
        assertEquals("members only", e.reason());
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void anAdmittedOpenOfAGuardedEndpointConnects(Servers kind) throws Exception {
        start(kind);
        PagewireClient client = closer.add(
                PagewireClient.openEndpoint(endpoint(TestServer.PRIVATE), Map.of("key", "secret", "who", "member")));
        assertEquals(
                "member", client.call("who", null).get(10, TimeUnit.SECONDS).asText());
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void noEndpointAtThePathIsNotFound(Servers kind) {
        start(kind);
        ChannelRefusedException e = assertThrows(
                ChannelRefusedException.class, () -> PagewireClient.openEndpoint(endpoint("/nowhere"), null));
        assertEquals("not_found", e.code());
    }
}
