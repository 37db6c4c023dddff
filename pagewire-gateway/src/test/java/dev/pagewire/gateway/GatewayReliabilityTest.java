package dev.pagewire.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pagewire.client.ConnectionState;
import dev.pagewire.client.PagewireClient;
import dev.pagewire.client.Transport;
import dev.pagewire.netty.testing.FaultyRelay;
import dev.pagewire.netty.testing.Wait;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Exactly once, in order, through the gateway, on every transport: a page rendered by a backend
 * (the JDK's HTTP server standing in for PHP) raises events that reach the backend's webhook, and
 * the backend's answers emit back to the page, while the connection between browser and gateway is
 * reset again and again (a {@link FaultyRelay}). Every event reaches the backend once, and every
 * emit the page once, in order.
 */
class GatewayReliabilityTest {

    private static final String SECRET = "reliability-test-secret-0123456789abcdef";
    private static final int EVENTS = 300;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper json = new ObjectMapper();

    private final List<Integer> atBackend = new CopyOnWriteArrayList<>();
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private final List<Integer> atPage = new CopyOnWriteArrayList<>();
    private final List<String> pageIds = new CopyOnWriteArrayList<>();
    private HttpServer backend;
    private PagewireGateway gateway;
    private FaultyRelay relay;
    private PagewireClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.stop(0);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void eventsAndEmitsCrossManyResetsOnceAndInOrder(Transport transport) throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        backend.createContext("/app", this::serve);
        backend.start();
        gateway = PagewireGateway.start(GatewaySettings.builder(
                        URI.create("http://127.0.0.1:" + backend.getAddress().getPort()), SECRET)
                .app(s -> s.heartbeatInterval(Duration.ofMillis(500)))
                .server(s -> s.host("127.0.0.1").port(0))
                .build());
        relay = FaultyRelay.start(new InetSocketAddress("127.0.0.1", gateway.port()));
        client = PagewireClient.open(
                URI.create("http://127.0.0.1:" + relay.port() + "/app"),
                o -> o.forceTransport(transport)
                        .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500))
                        .setup(c -> c.on("n", n -> atPage.add(n.asInt()))));
        Wait.await(TIMEOUT, "the page to connect", () -> client.state() == ConnectionState.CONNECTED);
        assertEquals(1, pageIds.size(), "the render carried the page's id to the backend");

        int resets = 0;
        for (int n = 1; n <= EVENTS; n++) {
            emit(n);
            if (n % 25 == 0) {
                int upTo = n - 10;
                Wait.await(TIMEOUT, "the page to have " + upTo, () -> atPage.size() >= upTo);
                if (relay.cutAll() > 0) {
                    resets++;
                }
            }
        }
        String story = transport + ", " + resets + " resets";
        Wait.await(TIMEOUT, EVENTS + " events at the backend; " + story, () -> atBackend.size() >= EVENTS);
        Wait.await(TIMEOUT, EVENTS + " emits at the page; " + story, () -> atPage.size() >= EVENTS);
        List<Integer> expected = IntStream.rangeClosed(1, EVENTS).boxed().toList();
        assertEquals(expected, List.copyOf(atBackend), "page to backend; " + story);
        assertEquals(expected, List.copyOf(atPage), "backend to page; " + story);
        assertTrue(resets >= 5, story);
    }

    /** Emits, waiting while the client's queue is full (it waits for the gateway's acks). */
    private void emit(int n) {
        Wait.await(TIMEOUT, "room in the client's queue for " + n, () -> {
            try {
                client.emit("up", n);
                return true;
            } catch (IllegalStateException full) {
                return false;
            }
        });
    }

    private void serve(HttpExchange e) throws IOException {
        byte[] body = e.getRequestBody().readAllBytes();
        if (e.getRequestMethod().equals("GET")) {
            String id = e.getRequestHeaders().getFirst("Pagewire-Page-Id");
            if (id != null) {
                pageIds.add(id);
            }
            respond(
                    e,
                    200,
                    "text/html; charset=utf-8",
                    "<!doctype html><html><head><title>r</title></head><body></body></html>");
            return;
        }
        if (!signed(e.getRequestHeaders().getFirst("Pagewire-Signature"), body)) {
            respond(e, 401, "text/plain", "bad signature");
            return;
        }
        JsonNode hook = json.readTree(body);
        if (!hook.path("type").asText().equals("event")
                || !hook.path("event").asText().equals("up")) {
            respond(e, 200, "application/json", "{}");
            return;
        }
        int n = hook.path("data").asInt();
        if (keys.add(hook.path("key").asText())) {
            atBackend.add(n);
        }
        respond(e, 200, "application/json", "{\"emit\":[{\"event\":\"n\",\"data\":" + n + "}]}");
    }

    private static boolean signed(String header, byte[] body) {
        return TestSignatures.verify(SECRET, header, body);
    }

    private static void respond(HttpExchange e, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().add("Content-Type", type);
        e.sendResponseHeaders(status, bytes.length);
        e.getResponseBody().write(bytes);
        e.close();
    }
}
