package dev.pagewire.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.ConnectionState;
import dev.pagewire.client.PagewireClient;
import dev.pagewire.netty.testing.Wait;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/GATEWAY.md, "Publish API: backend → page", over HTTP as a backend calls it. */
class PublishApiTest {

    /** Long enough for a loaded two-core machine, short enough to fail a stuck test quickly. */
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(20);

    private final GatewayHarness gateway = new GatewayHarness();
    private final Signatures signatures = new Signatures(GatewayHarness.SECRET.getBytes(StandardCharsets.UTF_8));
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        http.close();
        gateway.close();
    }

    private HttpResponse<String> post(String body, String signature, String key) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(gateway.uri(PublishApi.PATH)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("Pagewire-Signature", signature);
        }
        if (key != null) {
            request.header("Pagewire-Idempotency-Key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> signed(String body) throws Exception {
        return signed(body, null);
    }

    private HttpResponse<String> signed(String body, String key) throws Exception {
        return post(
                body, signatures.sign(System.currentTimeMillis() / 1000, body.getBytes(StandardCharsets.UTF_8)), key);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return WebhookActions.JSON.readTree(r.body());
    }

    private static <T> T poll(BlockingQueue<T> q) throws InterruptedException {
        T t = q.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (t == null) {
            throw new AssertionError("nothing arrived within " + WAIT);
        }
        return t;
    }

    @Test
    void onlyPostIsTaken() throws Exception {
        var r = http.send(
                HttpRequest.newBuilder(gateway.uri(PublishApi.PATH)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
        assertEquals("POST", r.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void unsignedWronglySignedAndStaleRequestsGet401WithAReason() throws Exception {
        String body = "{\"op\":\"members\",\"topic\":\"t\"}";
        var unsigned = post(body, null, null);
        assertEquals(401, unsigned.statusCode());
        assertTrue(json(unsigned).path("error").path("message").asText().contains("no Pagewire-Signature"));
        long now = System.currentTimeMillis() / 1000;
        var tampered = post(body, signatures.sign(now, "{\"op\":\"close\"}".getBytes(StandardCharsets.UTF_8)), null);
        assertEquals(401, tampered.statusCode());
        var stale = post(body, signatures.sign(now - 301, body.getBytes(StandardCharsets.UTF_8)), null);
        assertEquals(401, stale.statusCode());
        assertTrue(json(stale).path("error").path("message").asText().startsWith("stale"));
    }

    @Test
    void anUnknownOpOrAMalformedBodyIs400() throws Exception {
        assertEquals(400, signed("{\"op\":\"explode\"}").statusCode());
        assertEquals(400, signed("not json").statusCode());
        assertEquals(400, signed("[]").statusCode());
    }

    @Test
    void aPageThatIsNotLiveIs404() throws Exception {
        for (String op : new String[] {"emit", "call", "close"}) {
            var r = signed("{\"op\":\"" + op + "\",\"page\":\"nope\",\"event\":\"e\",\"name\":\"n\"}");
            assertEquals(404, r.statusCode(), op);
            assertEquals("not_found", json(r).path("error").path("code").asText());
        }
    }

    @Test
    void anEmitRightAfterTheRenderReachesTheBrowserWhenItConnects() throws Exception {
        var page = gateway.render("", Map.of());
        var r = signed("{\"op\":\"emit\",\"page\":\"" + page.pageId() + "\",\"event\":\"early\",\"data\":{\"n\":1}}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{}", r.body());
        BlockingQueue<JsonNode> got = new LinkedBlockingQueue<>();
        gateway.open(page, c -> c.on("early", got::add));
        assertEquals(1, poll(got).path("n").asInt());
    }

    @Test
    void aBroadcastReachesTheTopicsPagesExceptTheOneNamed() throws Exception {
        var a = gateway.render("", Map.of("Pagewire-Join", "room"));
        var b = gateway.render("", Map.of("Pagewire-Join", "room"));
        assertEquals(
                0,
                json(signed("{\"op\":\"members\",\"topic\":\"room\"}"))
                        .path("members")
                        .size(),
                "a page counts as a member once its browser connects (docs/TOPICS.md)");
        var r = signed("{\"op\":\"broadcast\",\"topic\":\"room\",\"event\":\"m\",\"data\":1,\"except\":\"" + a.pageId()
                + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        signed("{\"op\":\"emit\",\"page\":\"" + a.pageId() + "\",\"event\":\"after\"}");
        BlockingQueue<String> seenA = new LinkedBlockingQueue<>();
        BlockingQueue<String> seenB = new LinkedBlockingQueue<>();
        gateway.open(a, c -> {
            c.on("m", d -> seenA.add("m"));
            c.on("after", d -> seenA.add("after"));
        });
        gateway.open(b, c -> c.on("m", d -> seenB.add("m " + d.asInt())));
        assertEquals("m 1", poll(seenB));
        assertEquals("after", poll(seenA), "the page named in except missed the broadcast");
        Wait.await(WAIT, "both pages to be members", () -> {
            try {
                return json(signed("{\"op\":\"members\",\"topic\":\"room\"}"))
                                .path("members")
                                .size()
                        == 2;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        var members = json(signed("{\"op\":\"members\",\"topic\":\"room\"}")).path("members");
        assertTrue(members.get(0).path("presence").isNull());
    }

    @Test
    void aCallAnswersWithTheBrowsersReplyItsErrorOrATimeout() throws Exception {
        var page = gateway.render("", Map.of());
        PagewireClient client = gateway.open(page);
        client.handle("double", args -> args.asInt() * 2);
        Wait.await(WAIT, "connected", () -> client.state() == ConnectionState.CONNECTED);
        var r = signed("{\"op\":\"call\",\"page\":\"" + page.pageId() + "\",\"name\":\"double\",\"args\":21}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(42, json(r).path("reply").asInt());
        var unknown = signed("{\"op\":\"call\",\"page\":\"" + page.pageId() + "\",\"name\":\"nothing\"}");
        assertEquals(409, unknown.statusCode(), unknown.body());
        assertEquals("unknown_call", json(unknown).path("error").path("code").asText());
        CountDownLatch release = new CountDownLatch(1);
        client.handle("slow", args -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        try {
            var slow =
                    signed("{\"op\":\"call\",\"page\":\"" + page.pageId() + "\",\"name\":\"slow\",\"timeoutMs\":200}");
            assertEquals(504, slow.statusCode(), slow.body());
        } finally {
            release.countDown();
        }
        assertEquals(
                400,
                signed("{\"op\":\"call\",\"page\":\"" + page.pageId() + "\",\"name\":\"slow\",\"timeoutMs\":-1}")
                        .statusCode());
    }

    @Test
    void closeEndsThePageAndItsClosedWebhookSaysApi() throws Exception {
        var page = gateway.render("", Map.of());
        var r = signed("{\"op\":\"close\",\"page\":\"" + page.pageId() + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(
                "api",
                gateway.backend
                        .nextWebhook("closed", WAIT)
                        .json()
                        .path("reason")
                        .asText());
        assertEquals(
                404,
                signed("{\"op\":\"close\",\"page\":\"" + page.pageId() + "\"}").statusCode());
    }

    @Test
    void aRepeatedIdempotencyKeyAnswersAsTheFirstWithoutActingAgain() throws Exception {
        var page = gateway.render("", Map.of());
        String emit = "{\"op\":\"emit\",\"page\":\"" + page.pageId() + "\",\"event\":\"once\",\"data\":1}";
        var first = signed(emit, "order-1");
        var again = signed(emit, "order-1");
        assertEquals(200, first.statusCode());
        assertEquals(first.statusCode(), again.statusCode());
        assertEquals(first.body(), again.body());
        signed("{\"op\":\"emit\",\"page\":\"" + page.pageId() + "\",\"event\":\"once\",\"data\":2}", "order-2");
        BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
        gateway.open(page, c -> c.on("once", d -> got.add(d.asInt())));
        assertEquals(1, poll(got));
        assertEquals(2, poll(got), "order-1 acted once: the next event is order-2's");
    }

    @Test
    void replaysAreForgottenPastTheirBound() {
        ApiReplays replays = new ApiReplays(TimeUnit.SECONDS.toNanos(300), 2);
        assertTrue(replays.claim("a", 0).first());
        assertTrue(replays.claim("b", 1).first());
        assertTrue(replays.claim("c", 2).first());
        assertEquals(2, replays.size());
        assertTrue(replays.claim("a", 3).first(), "the oldest key was forgotten");
        assertTrue(!replays.claim("c", 4).first());
        assertTrue(replays.claim("c", TimeUnit.SECONDS.toNanos(400)).first(), "past the window a key is new");
    }
}
