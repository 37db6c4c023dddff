package dev.pagewire.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.CallException;
import dev.pagewire.Page;
import dev.pagewire.netty.testing.FaultyRelay;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.Servers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client against a real server, on each server and each transport (docs/PROTOCOL.md §3, §11).
 * What only the client decides (its queue bound, its callback thread) runs on Netty alone.
 */
class PagewireClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private TestServer server;
    private PagewireClient client;
    private final List<JsonNode> echoed = new CopyOnWriteArrayList<>();
    private final List<byte[]> reversed = new CopyOnWriteArrayList<>();
    private final List<StateChange> states = new CopyOnWriteArrayList<>();

    private void start(Servers kind) {
        server = new TestServer(kind);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Page open(Servers kind, Transport transport) throws Exception {
        start(kind);
        client = PagewireClient.open(
                server.page(),
                o -> o.forceTransport(transport)
                        .setup(c -> c.on("echoed", echoed::add)
                                .onBinary("reversed", reversed::add)
                                .onState(states::add)
                                .handle("double", n -> n.asInt() * 2)
                                .handle("refuse", n -> {
                                    throw new CallFailedException("no_way", "refused");
                                })));
        Page page = server.nextPage();
        Wait.await(TIMEOUT, "the client to connect", () -> client.state() == ConnectionState.CONNECTED);
        return page;
    }

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)
    void connectsOverTheForcedTransport(Servers kind, Transport transport) throws Exception {
        Page page = open(kind, transport);
        assertEquals(transport, client.transport());
        assertEquals(page.id(), client.pageId());
        Wait.await(TIMEOUT, "the connected state event", () -> !states.isEmpty());
        assertEquals(new StateChange(ConnectionState.CONNECTED, 0, "", transport), states.getFirst());
        assertEquals(transport.wireName(), page.transport());
    }

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)
    void eventsTravelBothWays(Servers kind, Transport transport) throws Exception {
        open(kind, transport);
        client.emit("echo", Map.of("text", "hi"));
        client.emit("echo", null);
        Wait.await(TIMEOUT, "two echoes", () -> echoed.size() == 2);
        assertEquals("hi", echoed.get(0).path("text").asText());
        assertEquals(true, echoed.get(1).isNull());
    }

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)
    void binaryEventsTravelBothWays(Servers kind, Transport transport) throws Exception {
        open(kind, transport);
        client.emit("bytes", new byte[] {1, 2, 3, (byte) 255});
        Wait.await(TIMEOUT, "the reversed bytes", () -> reversed.size() == 1);
        assertArrayEquals(new byte[] {(byte) 255, 3, 2, 1}, reversed.getFirst());
    }

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)
    void callsToTheServerAnswerValuesAndCodedErrors(Servers kind, Transport transport) throws Exception {
        open(kind, transport);
        assertEquals(
                5,
                client.call("add", Map.of("a", 2, "b", 3))
                        .get(10, TimeUnit.SECONDS)
                        .asInt());
        assertEquals("nope", failure(client.call("fail", null)).code());
        assertEquals("unknown_call", failure(client.call("nothing", null)).code());
        assertEquals(
                "timeout",
                failure(client.call("hang", null, Duration.ofMillis(200))).code());
    }

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)
    void callsFromTheServerAreAnswered(Servers kind, Transport transport) throws Exception {
        Page page = open(kind, transport);
        assertEquals(42, page.call("double", 21).get(10, TimeUnit.SECONDS).asInt());
        ExecutionException e = assertThrows(
                ExecutionException.class, () -> page.call("refuse", null).get(10, TimeUnit.SECONDS));
        assertEquals(
                "no_way", assertInstanceOf(CallException.class, e.getCause()).code());
        e = assertThrows(
                ExecutionException.class, () -> page.call("absent", null).get(10, TimeUnit.SECONDS));
        assertEquals(
                "unknown_call",
                assertInstanceOf(CallException.class, e.getCause()).code());
    }

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)
    void closeSaysByeSoThePageClosesAtOnce(Servers kind, Transport transport) throws Exception {
        Page page = open(kind, transport);
        CompletableFuture<JsonNode> waiting = client.call("hang", null);
        client.close();
        assertEquals(ConnectionState.CLOSED, client.state());
        Wait.await(TIMEOUT, "the server page to close", page::isClosed);
        assertEquals("closed", failure(waiting).code());
        assertThrows(IllegalStateException.class, () -> client.emit("echo", 1));
    }

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)
    void aForgedTokenExpiresTheClient(Servers kind, Transport transport) throws Exception {
        start(kind);
        client = PagewireClient.connect(
                server.page(),
                "v1.AAAA.1.forged",
                o -> o.forceTransport(transport).setup(c -> c.onState(states::add)));
        Wait.await(TIMEOUT, "the client to expire", () -> client.state() == ConnectionState.EXPIRED);
        Wait.await(
                TIMEOUT,
                "the expired state event",
                () -> !states.isEmpty() && states.getLast().state() == ConnectionState.EXPIRED);
        assertEquals(ConnectionState.EXPIRED, states.getLast().state());
        assertEquals(4401, states.getLast().code());
    }

    @ParameterizedTest
    @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)
    void aPageClosedByTheServerClosesTheClient(Servers kind, Transport transport) throws Exception {
        Page page = open(kind, transport);
        page.close();
        Wait.await(
                TIMEOUT,
                "the page's close to end the client",
                () -> client.state().isFinal());
        // Not EXPIRED: that would mean the client took the close for a lost connection.
        assertEquals(ConnectionState.CLOSED, client.state(), "the client's states: " + states);
        // The state changes before listeners hear of it, on the client's callback thread.
        Wait.await(
                TIMEOUT,
                "the closed state event",
                () -> !states.isEmpty() && states.getLast().state() == ConnectionState.CLOSED);
        assertEquals(4000, states.getLast().code());
    }

    @Test
    void aFullQueueThrowsInsteadOfBlocking() throws Exception {
        start(Servers.NETTY);
        try (FaultyRelay unreachable = FaultyRelay.start(new InetSocketAddress("127.0.0.1", server.port()))) {
            unreachable.refuse(true);
            client = PagewireClient.connect(
                    URI.create("http://127.0.0.1:" + unreachable.port() + TestServer.PATH),
                    "v1.AAAA.1.unused",
                    o -> o.maxQueued(2));
            client.emit("up", 1);
            client.call("add", null);
            IllegalStateException full = assertThrows(IllegalStateException.class, () -> client.emit("up", 3));
            assertTrue(full.getMessage().contains("queue is full"), full.getMessage());
            assertEquals(2, client.queued());
        }
    }

    @Test
    void listenersHandlersAndCallResultsRunOnTheClientsOwnThread() throws Exception {
        start(Servers.NETTY);
        List<String> threads = new CopyOnWriteArrayList<>();
        // Holds the callback thread until thenRun below is attached: a future completed before
        // that would run it on the attaching thread, as any CompletableFuture does.
        java.util.concurrent.CountDownLatch attached = new java.util.concurrent.CountDownLatch(1);
        client = PagewireClient.open(
                server.page(),
                o -> o.setup(c -> c.on("echoed", d -> {
                            if (d.asInt() == 2) {
                                awaitUninterruptibly(attached);
                            }
                            threads.add(Thread.currentThread().getName());
                        })
                        .onState(s -> threads.add(Thread.currentThread().getName()))
                        .handle("double", n -> {
                            threads.add(Thread.currentThread().getName());
                            return n.asInt() * 2;
                        })));
        Page page = server.nextPage();
        Wait.await(TIMEOUT, "the client to connect", () -> client.state() == ConnectionState.CONNECTED);
        client.emit("echo", 1);
        page.call("double", 1).get(10, TimeUnit.SECONDS);
        client.emit("echo", 2); // echoed before the call's answer, in the server's order
        CompletableFuture<Void> after = client.call("add", Map.of("a", 1, "b", 1))
                .thenRun(() -> threads.add(Thread.currentThread().getName()));
        attached.countDown();
        after.get(10, TimeUnit.SECONDS);
        Wait.await(TIMEOUT, "five callbacks", () -> threads.size() == 5);
        assertEquals(1, threads.stream().distinct().count(), threads.toString());
        assertTrue(threads.getFirst().startsWith("pagewire-client-"), threads.toString());
    }

    @Test
    void waitingForACallInsideAListenerFailsInsteadOfHangingForEver() throws Exception {
        start(Servers.NETTY);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        client = PagewireClient.open(
                server.page(),
                o -> o.setup(c -> c.on("echoed", d -> {
                    try {
                        client.call("add", Map.of("a", 1, "b", 2)).join();
                    } catch (IllegalStateException e) {
                        errors.add(e);
                    }
                })));
        Wait.await(TIMEOUT, "the client to connect", () -> client.state() == ConnectionState.CONNECTED);
        client.emit("echo", 1);
        Wait.await(TIMEOUT, "the refusal to wait", () -> errors.size() == 1);
        assertTrue(
                errors.getFirst().getMessage().contains("thenAccept"),
                errors.getFirst().getMessage());
    }

    private static void awaitUninterruptibly(java.util.concurrent.CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the test did not release the callback thread within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CallFailedException failure(CompletableFuture<JsonNode> call) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(CallFailedException.class, e.getCause());
    }
}
