package dev.pagewire.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Messages to one node leave at once when nothing waits for Redis, else together, in order, bounded. */
class NodeOutboxTest {

    private static final int SELF = 7;

    /** PUBLISHes made, each answered when the test says. */
    private final List<byte[]> published = new CopyOnWriteArrayList<>();

    private final List<CompletableFuture<Long>> answers = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private int succeeded;
    private int undelivered;
    private final AtomicLong clock = new AtomicLong();

    private NodeOutbox outbox(int maxBytes, long stallNanos) {
        return new NodeOutbox(
                payload -> {
                    published.add(payload);
                    CompletableFuture<Long> answer = new CompletableFuture<>();
                    answers.add(answer);
                    return answer;
                },
                new NodeOutbox.Outcome() {
                    @Override
                    public void succeeded() {
                        succeeded++;
                    }

                    @Override
                    public void failed(Throwable cause) {
                        failures.add(cause);
                    }

                    @Override
                    public void undelivered() {
                        undelivered++;
                    }
                },
                () -> SELF,
                maxBytes,
                stallNanos,
                Runnable::run,
                clock::get);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The messages of one PUBLISH, as text. */
    private static List<String> messages(byte[] payload) {
        List<String> out = new ArrayList<>();
        NodeOutbox.read(payload, (from, message) -> {
            assertEquals(SELF, from);
            out.add(new String(message, StandardCharsets.UTF_8));
        });
        return out;
    }

    @Test
    void aMessageLeavesAtOnceWhenNothingWaitsAndTheRestGatherUntilRedisAnswers() {
        NodeOutbox outbox = outbox(1 << 20, TimeUnit.SECONDS.toNanos(10));
        outbox.send(text("a"));
        assertEquals(1, published.size());
        assertEquals(List.of("a"), messages(published.getFirst()));

        outbox.send(text("b"));
        outbox.send(text("c"));
        outbox.send(text("d"));
        assertEquals(1, published.size(), "b, c and d wait for a's answer");
        assertEquals(3 * 5, outbox.waitingBytes() - 5);

        answers.getFirst().complete(1L);
        assertEquals(2, published.size());
        assertEquals(List.of("b", "c", "d"), messages(published.get(1)));
        answers.get(1).complete(1L);
        assertEquals(0, outbox.waitingBytes());
        assertEquals(2, succeeded);

        outbox.send(text("e"));
        assertEquals(List.of("e"), messages(published.get(2)), "idle again: no delay");
    }

    @Test
    void aFullPublishLeavesWithoutWaitingSoThatOnePublishStaysSmall() {
        NodeOutbox outbox = outbox(16 << 20, TimeUnit.SECONDS.toNanos(10));
        outbox.send(text("first"));
        byte[] big = new byte[NodeOutbox.PUBLISH_BYTES / 4];
        for (int i = 0; i < 4; i++) {
            outbox.send(big);
        }
        assertEquals(2, published.size(), "the fourth quarter filled a PUBLISH");
        assertEquals(4, messagesCount(published.get(1)));
    }

    private static int messagesCount(byte[] payload) {
        int[] n = {0};
        NodeOutbox.read(payload, (from, message) -> n[0]++);
        return n[0];
    }

    @Test
    void pastItsBoundAMessageIsDroppedAndReportedAndTheRestKeepTheirOrder() {
        NodeOutbox outbox = outbox(64 * 1024, TimeUnit.SECONDS.toNanos(10));
        outbox.send(text("sent"));
        byte[] chunk = new byte[21_000];
        outbox.send(chunk);
        outbox.send(chunk);
        outbox.send(chunk); // 4 + 4 + 3 × 21,004 = 63,020 bytes wait
        outbox.send(new byte[3_000]); // 66,024: over 65,536
        outbox.send(text("small")); // fits
        assertEquals(1, failures.size());
        assertInstanceOf(NodeOutbox.Full.class, failures.getFirst());
        assertTrue(failures.getFirst().getMessage().contains("sendBufferBytes"), failures.toString());

        answers.getFirst().complete(1L);
        assertEquals(4, messagesCount(published.get(1)), "the three chunks and the small one, not the big one");
    }

    @Test
    void aPublishUnansweredForTooLongNoLongerHoldsTheNextBack() {
        NodeOutbox outbox = outbox(1 << 20, TimeUnit.MILLISECONDS.toNanos(1));
        outbox.send(text("stuck"));
        outbox.send(text("waits"));
        assertEquals(1, published.size());
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(2)); // the unanswered PUBLISH ages past its 1 ms
        outbox.send(text("next"));
        assertEquals(2, published.size());
        assertEquals(List.of("waits", "next"), messages(published.get(1)));
    }

    @Test
    void aFailedPublishIsReportedAndWhatWaitedLeavesAfterIt() {
        NodeOutbox outbox = outbox(1 << 20, TimeUnit.SECONDS.toNanos(10));
        outbox.send(text("lost"));
        outbox.send(text("later"));
        answers.getFirst().completeExceptionally(new IllegalStateException("Redis went away"));
        assertEquals(1, failures.size());
        assertEquals(List.of("later"), messages(published.get(1)));
    }

    @Test
    void aPublishNoOneReceivedIsReportedUndelivered() {
        NodeOutbox outbox = outbox(1 << 20, TimeUnit.SECONDS.toNanos(10));
        outbox.send(text("to a node that is away"));
        outbox.send(text("later"));
        answers.getFirst().complete(0L); // Redis took it; no subscriber of the node's channel did
        assertEquals(1, undelivered);
        assertEquals(0, succeeded);
        assertEquals(List.of("later"), messages(published.get(1)));
        answers.get(1).complete(1L);
        assertEquals(1, succeeded);
        assertEquals(1, undelivered);
    }

    @Test
    void anUnreadablePayloadIsRefused() {
        assertThrows(TopicWire.Malformed.class, () -> NodeOutbox.read(new byte[] {0, 0}, (f, m) -> {}));
        assertThrows(
                TopicWire.Malformed.class, () -> NodeOutbox.read(new byte[] {0, 0, 0, 1, 0, 0, 0, 9, 1}, (f, m) -> {}));
    }
}
