package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.internal.protocol.FrameCodec;
import dev.pagewire.spi.OutFrame;
import dev.pagewire.testing.FakeConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The outbound side alone: numbering, the replay buffer, resume, piggybacked acks, slow consumers. */
class OutboxTest {

    private static final FrameCodec CODEC = new FrameCodec(32, 64 * 1024);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    /** Delayed acks go nowhere here: the tests flush by hand. */
    private final Receipts receipts = new Receipts(timer, () -> {});

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private Outbox outbox(long maxOutboundBytes, int maxFrames, long maxBytes) {
        return new Outbox(CODEC, maxOutboundBytes, maxFrames, maxBytes, receipts, new Counts());
    }

    private static OutFrame hello(long ack) {
        return new OutFrame(false, ("hello " + ack).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void framesSentWhileDisconnectedAreNumberedAndSentAfterHelloInOrder() {
        Outbox outbox = outbox(1000, 10, 1000);
        assertNull(outbox.send(CODEC.event("e", 1)));
        assertNull(outbox.send(CODEC.event("e", 2)));
        FakeConnection c = new FakeConnection();
        assertNull(outbox.attach(c, 0, OutboxTest::hello).replaced());
        assertNull(outbox.send(CODEC.event("e", 3)));
        assertEquals(
                List.of("hello 0", "[\"ev\",\"e\",1,1]", "[\"ev\",\"e\",2,2]", "[\"ev\",\"e\",3,3]"), c.sentTexts());
        assertSame(c, outbox.connection());
    }

    @Test
    void attachResendsOnlyTheFramesAboveTheClientsAck() {
        Outbox outbox = outbox(1000, 10, 1000);
        FakeConnection first = new FakeConnection();
        outbox.attach(first, 0, OutboxTest::hello);
        for (int i = 1; i <= 4; i++) {
            outbox.send(CODEC.event("e", i));
        }
        assertTrue(outbox.acked(1));
        assertEquals(3, outbox.replayFrames(), "acked frames are forgotten");
        FakeConnection second = new FakeConnection();
        assertSame(first, outbox.attach(second, 2, OutboxTest::hello).replaced());
        assertEquals(List.of("hello 0", "[\"ev\",\"e\",3,3]", "[\"ev\",\"e\",4,4]"), second.sentTexts());
        assertEquals(2, outbox.replayFrames());
    }

    @Test
    void ackAboveTheLastFrameSentIsRefused() {
        Outbox outbox = outbox(1000, 10, 1000);
        outbox.send(CODEC.event("e", 1));
        assertFalse(outbox.acked(2));
        assertNull(outbox.attach(new FakeConnection(), 2, OutboxTest::hello), "nothing attached");
        assertNull(outbox.connection());
        assertTrue(outbox.acked(1));
    }

    @Test
    void anOwedAckRidesOnTheNextDataFrameOnce() {
        Outbox outbox = outbox(1000, 10, 1000);
        FakeConnection c = new FakeConnection();
        outbox.attach(c, 0, OutboxTest::hello);
        receipts.receive(1, () -> true);
        receipts.receive(2, () -> true);
        outbox.send(CODEC.event("e", "a"));
        outbox.send(CODEC.event("e", "b"));
        assertEquals(List.of("hello 0", "[\"ev\",\"e\",\"a\",1,2]", "[\"ev\",\"e\",\"b\",2]"), c.sentTexts());
        outbox.flushAck();
        assertEquals(3, c.sentTexts().size(), "nothing owed: no ack frame");
    }

    @Test
    void helloCarriesTheAckAndSettlesWhatWasOwed() {
        Outbox outbox = outbox(1000, 10, 1000);
        receipts.receive(1, () -> true);
        FakeConnection c = new FakeConnection();
        outbox.attach(c, 0, OutboxTest::hello);
        outbox.flushAck();
        assertEquals(List.of("hello 1"), c.sentTexts());
    }

    @Test
    void connectionWithMoreThanTheLimitUnwrittenIsShedButItsFramesAreKept() {
        Outbox outbox = outbox(25, 10, 1000);
        FakeConnection slow = new FakeConnection().stall();
        outbox.attach(slow, 0, OutboxTest::hello);
        assertNull(outbox.send(CODEC.event("a", 1)), "21 bytes queued (hello and a)");
        assertSame(slow, outbox.send(CODEC.event("b", 2)), "35 bytes queued: over the limit");
        assertNull(outbox.connection(), "the slow connection is detached");
        assertNull(outbox.send(CODEC.event("c", 3)));

        FakeConnection next = new FakeConnection();
        outbox.attach(next, 1, OutboxTest::hello);
        assertEquals(List.of("hello 0", "[\"ev\",\"b\",2,2]", "[\"ev\",\"c\",3,3]"), next.sentTexts());
    }

    @Test
    void controlFramesGoOnlyToTheConnectionStillAttachedAndAreNotNumbered() {
        Outbox outbox = outbox(1000, 10, 1000);
        FakeConnection old = new FakeConnection();
        FakeConnection current = new FakeConnection();
        outbox.attach(old, 0, OutboxTest::hello);
        outbox.attach(current, 0, OutboxTest::hello);
        outbox.control(old, CODEC.pong());
        outbox.control(current, CODEC.pong());
        assertEquals(List.of("hello 0"), old.sentTexts());
        assertEquals(List.of("hello 0", "[\"pong\"]"), current.sentTexts());
        assertEquals(0, outbox.lastSeq());
    }

    @Test
    void detachOnlyDetachesTheAttachedConnection() {
        Outbox outbox = outbox(1000, 10, 1000);
        FakeConnection old = new FakeConnection();
        FakeConnection current = new FakeConnection();
        outbox.attach(old, 0, OutboxTest::hello);
        outbox.attach(current, 0, OutboxTest::hello);
        assertFalse(outbox.detach(old));
        assertSame(current, outbox.connection());
        assertTrue(outbox.detach(current));
        assertNull(outbox.connection());
    }

    @Test
    void detachAllForgetsTheKeptFrames() {
        Outbox outbox = outbox(1000, 10, 1000);
        outbox.send(CODEC.event("lost", 1));
        assertNull(outbox.detachAll());
        assertEquals(0, outbox.replayFrames());
        assertEquals(0, outbox.replayBytes());
    }
}
