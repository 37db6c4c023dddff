package dev.pagewire.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.CallFailedException;
import dev.pagewire.client.ConnectionState;
import dev.pagewire.client.PagewireClient;
import dev.pagewire.client.ServerError;
import dev.pagewire.netty.testing.Wait;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/GATEWAY.md, "Webhooks: page → backend", with a real client connected to a gateway's page. */
class PageWebhooksTest {

    /** Long enough for a loaded two-core machine, short enough to fail a stuck test quickly. */
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(20);

    private final GatewayHarness gateway = new GatewayHarness();
    private final Signatures signatures = new Signatures(GatewayHarness.SECRET.getBytes(StandardCharsets.UTF_8));

    @AfterEach
    void stop() {
        gateway.close();
    }

    private static <T> T poll(BlockingQueue<T> queue, String what) throws InterruptedException {
        T t = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (t == null) {
            throw new AssertionError("no " + what + " within " + WAIT);
        }
        return t;
    }

    private static String type(TestBackend.Request r) {
        return r.json().path("type").asText();
    }

    @Test
    void anEventReachesTheBackendSignedAndItsAnswerActs() throws Exception {
        gateway.backend.answer(r -> type(r).equals("event")
                ? TestBackend.Reply.json("{\"emit\":[{\"event\":\"echo\",\"data\":{\"got\":"
                        + r.json().path("data") + "}}],\"context\":\"seen\"}")
                : TestBackend.Reply.of(204, ""));
        var page = gateway.render("?room=7", Map.of("Pagewire-Context", "user=42"));
        PagewireClient client = gateway.open(page);
        BlockingQueue<JsonNode> echoes = new LinkedBlockingQueue<>();
        client.on("echo", echoes::add);

        TestBackend.Request connected = gateway.backend.nextWebhook("connected", WAIT);
        assertEquals(page.path() + "?room=7", connected.target(), "the page's own URL by default");
        assertEquals(page.pageId(), connected.json().path("page").asText());
        assertTrue(connected.json().path("transport").isTextual());

        client.emit("hello", Map.of("n", 1));
        TestBackend.Request event = gateway.backend.nextWebhook("event", WAIT);
        JsonNode body = event.json();
        assertEquals(page.pageId(), body.path("page").asText());
        assertEquals(page.path(), body.path("path").asText());
        assertEquals("user=42", body.path("context").asText());
        assertEquals("hello", body.path("event").asText());
        assertEquals(1, body.path("data").path("n").asInt());
        assertEquals(event.header("Pagewire-Idempotency-Key"), body.path("key").asText());
        assertTrue(body.path("key").asText().startsWith(page.pageId() + "."));
        assertNull(signatures.refusal(
                event.header("Pagewire-Signature"), event.body(), System.currentTimeMillis() / 1000));
        assertEquals(gateway.uri("/_pagewire/api").toString(), event.header("Pagewire-Api"));

        assertEquals(1, poll(echoes, "echo").path("got").path("n").asInt());
        client.emit("again", null);
        assertEquals(
                "seen",
                gateway.backend
                        .nextWebhook("event", WAIT)
                        .json()
                        .path("context")
                        .asText(),
                "the answer replaced the context");
    }

    @Test
    void aCallIsAnsweredWithTheReplyOrFailsWithTheError() throws Exception {
        gateway.backend.answer(r -> {
            JsonNode b = r.json();
            if (!type(r).equals("call")) {
                return TestBackend.Reply.of(200, "");
            }
            return b.path("name").asText().equals("add")
                    ? TestBackend.Reply.json("{\"reply\":"
                            + (b.path("args").path("a").asInt()
                                    + b.path("args").path("b").asInt()) + "}")
                    : TestBackend.Reply.json(
                            "{\"error\":{\"code\":\"empty_message\",\"message\":\"say something first\"}}");
        });
        PagewireClient client = gateway.open(gateway.render("", Map.of()));
        assertEquals(
                5,
                client.call("add", Map.of("a", 2, "b", 3))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                        .asInt());
        var e = assertInstanceOf(CallFailedException.class, failure(client, "say"));
        assertEquals("empty_message", e.code());
        assertEquals("say something first", e.getMessage());
    }

    private static Throwable failure(PagewireClient client, String call) throws Exception {
        try {
            client.call(call, null).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void onePagesWebhooksGoOneAtATimeInOrderWithCountingKeys() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        gateway.backend.answer(r -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            Thread.yield();
            inFlight.decrementAndGet();
            return TestBackend.Reply.of(200, "");
        });
        var page = gateway.render("", Map.of());
        PagewireClient client = gateway.open(page);
        gateway.backend.nextWebhook("connected", WAIT);
        for (int i = 0; i < 30; i++) {
            client.emit("n", i);
        }
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            TestBackend.Request r = gateway.backend.nextWebhook("event", WAIT);
            assertEquals(i, r.json().path("data").asInt());
            String key = r.json().path("key").asText();
            keys.add(Long.parseLong(key.substring(key.lastIndexOf('.') + 1)));
        }
        for (int i = 1; i < keys.size(); i++) {
            assertEquals(keys.get(i - 1) + 1, keys.get(i), "keys count the page's webhooks: " + keys);
        }
        assertEquals(1, most.get(), "never two webhooks of one page at once");
    }

    @Test
    void aBackendThatKeepsFailingGivesThePageWebhookFailedAfterTheRetriesWithOneKey() throws Exception {
        gateway.backend.answer(
                r -> type(r).equals("event") ? TestBackend.Reply.of(503, "") : TestBackend.Reply.of(200, ""));
        PagewireClient client = gateway.open(gateway.render("", Map.of()));
        BlockingQueue<ServerError> errors = new LinkedBlockingQueue<>();
        client.onError(errors::add);
        client.emit("x", 1);
        assertEquals("webhook_failed", poll(errors, "error").code());
        List<String> keys = gateway.backend.all().stream()
                .filter(r -> r.method().equals("POST") && type(r).equals("event"))
                .map(r -> r.header("Pagewire-Idempotency-Key"))
                .toList();
        assertEquals(3, keys.size(), "the first attempt and 2 retries");
        assertEquals(1, keys.stream().distinct().count(), "one key: " + keys);
    }

    @Test
    void aBackendThatRefusesGivesWebhookRefusedAtOnce() throws Exception {
        gateway.backend.answer(
                r -> type(r).equals("event") ? TestBackend.Reply.of(422, "") : TestBackend.Reply.of(200, ""));
        PagewireClient client = gateway.open(gateway.render("", Map.of()));
        BlockingQueue<ServerError> errors = new LinkedBlockingQueue<>();
        client.onError(errors::add);
        client.emit("x", 1);
        assertEquals("webhook_refused", poll(errors, "error").code());
    }

    @Test
    void aMalformedAnswerFailsTheEventAndActsNot() throws Exception {
        gateway.backend.answer(r -> type(r).equals("event")
                ? TestBackend.Reply.json("{\"emit\":[{\"event\":\"ok\"}],\"join\":[42]}")
                : TestBackend.Reply.of(200, ""));
        PagewireClient client = gateway.open(gateway.render("", Map.of()));
        BlockingQueue<ServerError> errors = new LinkedBlockingQueue<>();
        BlockingQueue<JsonNode> oks = new LinkedBlockingQueue<>();
        client.onError(errors::add);
        client.on("ok", oks::add);
        client.emit("x", 1);
        assertEquals("webhook_failed", poll(errors, "error").code());
        assertTrue(oks.isEmpty(), "nothing of a malformed answer acts");
    }

    @Test
    void anEventsErrorReachesThePageAfterTheOtherActions() throws Exception {
        gateway.backend.answer(r -> type(r).equals("event")
                ? TestBackend.Reply.json(
                        "{\"emit\":[{\"event\":\"first\"}],\"error\":{\"code\":\"empty_message\",\"message\":\"say"
                                + " something\"}}")
                : TestBackend.Reply.of(200, ""));
        PagewireClient client = gateway.open(gateway.render("", Map.of()));
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        client.onError(e -> seen.add("error " + e.code()));
        client.on("first", d -> seen.add("first"));
        client.emit("x", 1);
        assertEquals("first", poll(seen, "first"));
        assertEquals("error empty_message", poll(seen, "error"));
    }

    @Test
    void aBroadcastExceptSelfReachesTheOthersOfTheTopic() throws Exception {
        gateway.backend.answer(r -> type(r).equals("event")
                ? TestBackend.Reply.json(
                        "{\"broadcast\":[{\"topic\":\"room\",\"event\":\"message\",\"data\":\"hi\",\"exceptSelf\":true}],"
                            + "\"emit\":[{\"event\":\"sent\"}]}")
                : TestBackend.Reply.of(200, ""));
        PagewireClient a = gateway.open(gateway.render("", Map.of("Pagewire-Join", "room")));
        PagewireClient b = gateway.open(gateway.render("", Map.of("Pagewire-Join", "room")));
        BlockingQueue<String> atA = new LinkedBlockingQueue<>();
        BlockingQueue<String> atB = new LinkedBlockingQueue<>();
        a.on("message", d -> atA.add("message"));
        a.on("sent", d -> atA.add("sent"));
        b.on("message", d -> atB.add("message " + d.asText()));
        a.emit("say", "hi");
        assertEquals("message hi", poll(atB, "broadcast"));
        assertEquals("sent", poll(atA, "sent"), "the sender gets its own emit, and not the broadcast before it");
    }

    @Test
    void lifecycleWebhooksSayConnectedAndClosed() throws Exception {
        var page = gateway.render("", Map.of());
        PagewireClient client = gateway.open(page);
        gateway.backend.nextWebhook("connected", WAIT);
        Wait.await(WAIT, "connected", () -> client.state() == ConnectionState.CONNECTED);
        client.close();
        TestBackend.Request closed = gateway.backend.nextWebhook("closed", WAIT);
        assertEquals(page.pageId(), closed.json().path("page").asText());
        assertEquals("gone", closed.json().path("reason").asText());
        Wait.await(WAIT, "the page is forgotten", () -> gateway.pages.page(page.pageId()) == null);
    }
}
