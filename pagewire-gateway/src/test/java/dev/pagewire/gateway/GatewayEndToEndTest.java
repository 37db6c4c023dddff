package dev.pagewire.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.PagewireClient;
import dev.pagewire.gateway.internal.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * docs/GATEWAY.md end to end: a backend (the JDK's HTTP server) renders a page through a started
 * {@link PagewireGateway}, the Java client opens it as a browser would, and events, answers and the
 * publish API go round.
 */
class GatewayEndToEndTest {

    /** Long enough for a loaded two-core machine, short enough to fail a stuck test quickly. */
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(20);

    private static final String SECRET = "end-to-end-secret-0123456789abcdef-xyz";

    private final TestBackend backend = new TestBackend();
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private PagewireGateway gateway;
    private PagewireClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        http.close();
        backend.close();
    }

    private void start() {
        gateway = PagewireGateway.start(GatewaySettings.builder(backend.uri(), SECRET)
                .server(s -> s.host("127.0.0.1").port(0))
                .build());
    }

    private static String sign(String body) throws Exception {
        long t = System.currentTimeMillis() / 1000;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "t=" + t + ",v1="
                + HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    /** What a PHP script would do with the publish API: a signed POST to the URL the render was told. */
    private int publish(String api, String body) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(api))
                                    .header("Pagewire-Signature", sign(body))
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aPageTheBackendRendersTalksToItThroughTheGateway() throws Exception {
        backend.answer(r -> {
            if (r.method().equals("GET")) {
                // An emit made during the render reaches the page once its browser connects.
                int status = publish(
                        r.header("Pagewire-Api"),
                        "{\"op\":\"emit\",\"page\":\"" + r.header("Pagewire-Page-Id")
                                + "\",\"event\":\"welcome\",\"data\":1}");
                return TestBackend.Reply.html(
                        "<html><head><title>chat</title></head><body>" + status + "</body></html>",
                        Map.of("Pagewire-Context", "user=ada", "Pagewire-Join", "room"));
            }
            JsonNode hook = r.json();
            return hook.path("type").asText().equals("event")
                    ? TestBackend.Reply.json(
                            "{\"broadcast\":[{\"topic\":\"room\",\"event\":\"said\",\"data\":" + hook.path("data")
                                    + "}],\"context\":\"" + hook.path("context").asText() + "+\"}")
                    : TestBackend.Reply.of(204, "");
        });
        start();

        var raw = http.send(
                HttpRequest.newBuilder(gateway.uri().resolve("/chat?x=1"))
                        .header("Accept", "text/html")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, raw.statusCode());
        assertTrue(raw.body().contains("data-pagewire-token"), raw.body());
        assertTrue(raw.body().contains("<body>200</body>"), "the render's publish API emit was taken: " + raw.body());
        assertTrue(raw.headers().firstValue("Pagewire-Context").isEmpty(), "the browser never sees Pagewire-* headers");
        assertTrue(raw.headers().firstValue("Pagewire-Join").isEmpty());
        TestBackend.Request render = backend.next(WAIT);
        assertNotNull(render.header("Pagewire-Page-Id"));

        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        client = PagewireClient.open(
                gateway.uri().resolve("/chat?x=1"),
                o -> o.setup(c -> {
                    c.on("welcome", d -> seen.add("welcome " + d.asInt()));
                    c.on("said", d -> seen.add("said " + d.asText()));
                }));
        assertEquals("welcome 1", seen.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        client.emit("say", "hi");
        assertEquals("said hi", seen.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        TestBackend.Request event = backend.nextWebhook("event", WAIT);
        assertEquals("/chat?x=1", event.target(), "the script that rendered the page gets its events");
        assertEquals("user=ada", event.json().path("context").asText());
        assertEquals(client.pageId(), event.json().path("page").asText());
        client.emit("say", "again");
        assertEquals(
                "user=ada+",
                backend.nextWebhook("event", WAIT).json().path("context").asText());
    }

    @Test
    void closingTheGatewaySendsTheClosedWebhooks() throws Exception {
        backend.answer(r -> r.method().equals("GET")
                ? TestBackend.Reply.html("<html><head></head><body>p</body></html>", Map.of())
                : TestBackend.Reply.of(204, ""));
        start();
        client = PagewireClient.open(gateway.uri().resolve("/p"));
        backend.nextWebhook("connected", WAIT);
        gateway.close();
        assertEquals(
                "shutdown",
                backend.nextWebhook("closed", WAIT).json().path("reason").asText());
    }
}
