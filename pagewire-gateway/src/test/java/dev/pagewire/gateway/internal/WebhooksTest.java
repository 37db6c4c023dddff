package dev.pagewire.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/GATEWAY.md, "Delivery": one webhook's attempts against a real HTTP backend. */
class WebhooksTest {

    /** Long enough for a loaded two-core machine, short enough to fail a stuck test quickly. */
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(20);

    private static final byte[] BODY = "{\"type\":\"event\"}".getBytes(StandardCharsets.UTF_8);
    private static final URI API = URI.create("http://127.0.0.1:1/_pagewire/api");

    private final TestBackend backend = new TestBackend();
    private final Signatures signatures = new Signatures(SignaturesTest.SECRET.getBytes(StandardCharsets.UTF_8));
    private Webhooks webhooks = webhooks(Duration.ofSeconds(5), 3);

    private Webhooks webhooks(Duration timeout, int retries) {
        return new Webhooks(signatures, timeout, retries, Duration.ofMillis(10), () -> API);
    }

    @AfterEach
    void stop() {
        webhooks.close();
        backend.close();
    }

    @Test
    void aWebhookIsASignedPostWithItsKeyAndTheApiUrl() throws Exception {
        backend.answer(r -> TestBackend.Reply.json("{\"reply\":1}"));
        Delivery d = webhooks.post(backend.uri("/chat?room=1"), "page.1", BODY, "event of page");
        var answered = assertInstanceOf(Delivery.Answered.class, d);
        assertEquals(200, answered.status());
        assertEquals("{\"reply\":1}", new String(answered.body(), StandardCharsets.UTF_8));
        TestBackend.Request r = backend.next(WAIT);
        assertEquals("POST", r.method());
        assertEquals("/chat?room=1", r.target());
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals("page.1", r.header("Pagewire-Idempotency-Key"));
        assertEquals(API.toString(), r.header("Pagewire-Api"));
        assertArrayEquals(BODY, r.body());
        assertNull(signatures.refusal(r.header("Pagewire-Signature"), r.body(), System.currentTimeMillis() / 1000));
    }

    @Test
    void serverErrorsAndThrottlingAreRetriedWithTheSameKey() throws Exception {
        AtomicInteger n = new AtomicInteger();
        int[] statuses = {500, 503, 429, 408};
        backend.answer(r -> {
            int i = n.getAndIncrement();
            return i < statuses.length ? TestBackend.Reply.of(statuses[i], "") : TestBackend.Reply.of(204, "");
        });
        webhooks.close();
        webhooks = webhooks(Duration.ofSeconds(5), 4);
        Delivery d = webhooks.post(backend.uri("/hook"), "p.7", BODY, "event");
        assertEquals(204, assertInstanceOf(Delivery.Answered.class, d).status());
        assertEquals(5, backend.all().size());
        for (TestBackend.Request r : backend.all()) {
            assertEquals("p.7", r.header("Pagewire-Idempotency-Key"));
        }
    }

    @Test
    void afterTheRetriesTheDeliveryFails() {
        backend.answer(r -> TestBackend.Reply.of(502, "bad gateway"));
        Delivery d = webhooks.post(backend.uri("/hook"), "p.1", BODY, "event");
        assertEquals("status 502", assertInstanceOf(Delivery.Failed.class, d).reason());
        assertEquals(4, backend.all().size(), "the first attempt and 3 retries");
    }

    @Test
    void anOther4xxIsFinalAtOnce() {
        backend.answer(r -> TestBackend.Reply.of(403, "{\"error\":{\"code\":\"no\"}}"));
        Delivery d = webhooks.post(backend.uri("/hook"), "p.1", BODY, "event");
        assertEquals(403, assertInstanceOf(Delivery.Answered.class, d).status());
        assertEquals(1, backend.all().size());
    }

    @Test
    void aNetworkErrorIsRetriedThenFails() {
        backend.close();
        Delivery d = webhooks.post(backend.uri("/hook"), "p.1", BODY, "event");
        assertInstanceOf(Delivery.Failed.class, d);
    }

    @Test
    void aSlowAnswerTimesOutAndIsRetried() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger n = new AtomicInteger();
        backend.answer(r -> {
            if (n.getAndIncrement() == 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return TestBackend.Reply.of(200, "");
        });
        webhooks.close();
        webhooks = webhooks(Duration.ofMillis(300), 1);
        try {
            Delivery d = webhooks.post(backend.uri("/hook"), "p.1", BODY, "event");
            assertEquals(200, assertInstanceOf(Delivery.Answered.class, d).status());
            assertEquals(2, n.get());
        } finally {
            release.countDown();
        }
    }

    @Test
    void anAnswerOverOneMebibyteCountsAsFailed() {
        String big = "x".repeat(Webhooks.MAX_RESPONSE_BYTES + 1);
        backend.answer(r -> TestBackend.Reply.json(big));
        webhooks.close();
        webhooks = webhooks(Duration.ofSeconds(5), 0);
        Delivery d = webhooks.post(backend.uri("/hook"), "p.1", BODY, "event");
        assertTrue(assertInstanceOf(Delivery.Failed.class, d).reason().contains("over"));
    }

    @Test
    void anAnswerOfExactlyOneMebibyteIsRead() {
        String big = "x".repeat(Webhooks.MAX_RESPONSE_BYTES);
        backend.answer(r -> TestBackend.Reply.json(big));
        Delivery d = webhooks.post(backend.uri("/hook"), "p.1", BODY, "event");
        assertEquals(
                Webhooks.MAX_RESPONSE_BYTES,
                assertInstanceOf(Delivery.Answered.class, d).body().length);
    }
}
