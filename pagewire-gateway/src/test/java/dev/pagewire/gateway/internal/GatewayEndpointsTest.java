package dev.pagewire.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.ChannelRefusedException;
import dev.pagewire.client.ClientChannel;
import dev.pagewire.client.PagewireClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/GATEWAY.md, "Endpoints": channels whose opens, events and closes the backend answers. */
class GatewayEndpointsTest {

    /** Long enough for a loaded two-core machine, short enough to fail a stuck test quickly. */
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(20);

    private final GatewayHarness gateway = new GatewayHarness(b -> b.endpoint("/feed"));

    @AfterEach
    void stop() {
        gateway.close();
    }

    private static String type(TestBackend.Request r) {
        return r.json().path("type").asText();
    }

    private static <T> T poll(BlockingQueue<T> q) throws InterruptedException {
        T t = q.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (t == null) {
            throw new AssertionError("nothing arrived within " + WAIT);
        }
        return t;
    }

    private static Throwable refusal(ClientChannel channel) throws Exception {
        try {
            channel.opened().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the channel opened");
    }

    @Test
    void aPagesChannelIsOpenedByTheBackendAndCarriesEventsCallsAndItsClose() throws Exception {
        gateway.backend.answer(r -> switch (type(r)) {
            case "open" ->
                TestBackend.Reply.json(
                        "{\"emit\":[{\"event\":\"hi\",\"data\":" + r.json().path("params") + "}]}");
            case "channel-call" -> TestBackend.Reply.json("{\"reply\":\"pong\"}");
            default -> TestBackend.Reply.of(200, "");
        });
        var page = gateway.render("", Map.of("Pagewire-Context", "ctx"));
        PagewireClient client = gateway.open(page);
        BlockingQueue<JsonNode> hi = new LinkedBlockingQueue<>();
        ClientChannel channel = client.open("/stats", Map.of("room", 3), c -> c.on("hi", hi::add));
        assertEquals(3, poll(hi).path("room").asInt());

        TestBackend.Request open = gateway.backend.nextWebhook("open", WAIT);
        assertEquals("/stats", open.target(), "to the endpoint's own path on the backend");
        JsonNode body = open.json();
        assertEquals(page.pageId(), body.path("page").asText());
        assertEquals(page.path(), body.path("path").asText());
        assertEquals("ctx", body.path("context").asText());
        assertEquals("/stats", body.path("endpoint").asText());
        String id = body.path("channel").asText();
        assertEquals(page.pageId() + "/1", id);

        channel.emit("tick", 1);
        JsonNode event = gateway.backend.nextWebhook("channel-event", WAIT).json();
        assertEquals(id, event.path("channel").asText());
        assertEquals("tick", event.path("event").asText());
        assertEquals(
                "pong",
                channel.call("ping", null)
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                        .asText());
        channel.close();
        JsonNode closed = gateway.backend.nextWebhook("channel-closed", WAIT).json();
        assertEquals(id, closed.path("channel").asText());
        assertEquals("/stats", closed.path("endpoint").asText());
    }

    @Test
    void aBackendRefusesWith403AndItsMessageOrSaysThereIsNoSuchEndpoint() throws Exception {
        gateway.backend.answer(r -> !type(r).equals("open")
                ? TestBackend.Reply.of(200, "")
                : r.target().equals("/secret")
                        ? TestBackend.Reply.of(403, "{\"error\":{\"code\":\"no\",\"message\":\"members only\"}}")
                        : r.target().equals("/broken") ? TestBackend.Reply.of(500, "") : TestBackend.Reply.of(404, ""));
        PagewireClient client = gateway.open(gateway.render("", Map.of()));
        var secret = assertInstanceOf(ChannelRefusedException.class, refusal(client.open("/secret")));
        assertEquals("members only", secret.reason());
        var missing = assertInstanceOf(ChannelRefusedException.class, refusal(client.open("/nothing")));
        assertEquals("no endpoint at /nothing", missing.reason());
        var broken = assertInstanceOf(ChannelRefusedException.class, refusal(client.open("/broken")));
        assertEquals(GatewayEndpoints.UNAVAILABLE, broken.reason());
    }

    @Test
    void aConnectionOfAnotherOriginOpensANamedEndpointAndThePublishApiReachesIt() throws Exception {
        gateway.backend.answer(r -> type(r).equals("open")
                ? TestBackend.Reply.json("{\"context\":\"feed-user\"}")
                : TestBackend.Reply.of(200, ""));
        PagewireClient client = gateway.openEndpoint("/feed", Map.of("k", 1));
        JsonNode open = gateway.backend.nextWebhook("open", WAIT).json();
        assertTrue(open.path("page").isNull(), "its page exists once admitted");
        assertEquals(1, open.path("params").path("k").asInt());
        String channel = open.path("channel").asText();

        client.emit("x", 1);
        JsonNode event = gateway.backend.nextWebhook("channel-event", WAIT).json();
        assertEquals(client.pageId(), event.path("page").asText());
        assertEquals(channel, event.path("channel").asText());
        assertEquals("feed-user", event.path("context").asText());

        BlockingQueue<JsonNode> got = new LinkedBlockingQueue<>();
        client.on("news", got::add);
        Signatures s = new Signatures(GatewayHarness.SECRET.getBytes(StandardCharsets.UTF_8));
        String body = "{\"op\":\"emit\",\"page\":\"" + client.pageId() + "\",\"event\":\"news\",\"data\":7}";
        var http = java.net.http.HttpClient.newHttpClient();
        var r = http.send(
                java.net.http.HttpRequest.newBuilder(gateway.uri(PublishApi.PATH))
                        .header(
                                "Pagewire-Signature",
                                s.sign(System.currentTimeMillis() / 1000, body.getBytes(StandardCharsets.UTF_8)))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(7, poll(got).asInt());
        http.close();
    }

    @Test
    void aRefusedConnectionOfAnotherOriginSeesTheReason() {
        gateway.backend.answer(r -> TestBackend.Reply.of(403, "{\"error\":{\"code\":\"no\",\"message\":\"not you\"}}"));
        var e = assertThrows(ChannelRefusedException.class, () -> gateway.openEndpoint("/feed", null));
        assertEquals("not you", e.reason());
    }

    @Test
    void aLongRefusalIsCutToWhatACloseFrameCarries() {
        String reason = GatewayEndpoints.truncate("é".repeat(100));
        assertTrue(reason.getBytes(StandardCharsets.UTF_8).length <= 123, reason);
        assertTrue(reason.endsWith("..."));
        assertEquals("refused", GatewayEndpoints.truncate(""));
    }
}
