package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.spi.OutFrame;
import dev.pagewire.testing.FakeConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxTest {

    private static final OutFrame HELLO = frame("hello");

    @Test
    void framesSentWhileDisconnectedAreFlushedAfterHelloInOrder() {
        Outbox outbox = new Outbox(1000);
        assertNull(outbox.send(frame("one")));
        assertNull(outbox.send(frame("two")));
        assertEquals(6, outbox.waitingBytes());

        FakeConnection c = new FakeConnection();
        assertNull(outbox.attach(c, HELLO));
        assertNull(outbox.send(frame("three")));

        assertEquals(List.of("hello", "one", "two", "three"), c.sentTexts());
        assertEquals(0, outbox.waitingBytes());
        assertSame(c, outbox.connection());
    }

    @Test
    void attachingAgainReturnsTheReplacedConnectionAndFramesGoToTheNewOne() {
        Outbox outbox = new Outbox(1000);
        FakeConnection first = new FakeConnection();
        FakeConnection second = new FakeConnection();
        outbox.attach(first, HELLO);
        assertSame(first, outbox.attach(second, HELLO));
        outbox.send(frame("x"));
        assertEquals(List.of("hello"), first.sentTexts());
        assertEquals(List.of("hello", "x"), second.sentTexts());
    }

    @Test
    void waitingQueueRefusesFramesPastTheLimit() {
        Outbox outbox = new Outbox(10);
        assertNull(outbox.send(frame("12345")));
        assertNull(outbox.send(frame("67890")), "exactly at the limit is allowed");
        assertSame(Outbox.FULL, outbox.send(frame("!")));
        assertEquals(10, outbox.waitingBytes(), "the refused frame was not kept");

        FakeConnection c = new FakeConnection();
        outbox.attach(c, HELLO);
        assertEquals(List.of("hello", "12345", "67890"), c.sentTexts());
    }

    @Test
    void connectionWithMoreThanTheLimitUnwrittenIsShedAsASlowConsumer() {
        Outbox outbox = new Outbox(10);
        FakeConnection slow = new FakeConnection().stall();
        outbox.attach(slow, frame("h"));
        assertNull(outbox.send(frame("1234")));
        assertNull(outbox.send(frame("12345")), "10 bytes queued: at the limit");
        assertSame(slow, outbox.send(frame("x")), "11 bytes queued: over it");
        assertNull(outbox.connection(), "the slow connection is detached");

        assertNull(outbox.send(frame("later")), "later frames wait for the next connection");
        FakeConnection next = new FakeConnection();
        outbox.attach(next, HELLO);
        assertEquals(List.of("hello", "later"), next.sentTexts());
    }

    @Test
    void replyGoesOnlyToTheConnectionStillAttached() {
        Outbox outbox = new Outbox(1000);
        FakeConnection old = new FakeConnection();
        FakeConnection current = new FakeConnection();
        outbox.attach(old, HELLO);
        outbox.attach(current, HELLO);
        outbox.reply(old, frame("pong"));
        outbox.reply(current, frame("pong"));
        assertEquals(List.of("hello"), old.sentTexts());
        assertEquals(List.of("hello", "pong"), current.sentTexts());
    }

    @Test
    void detachOnlyDetachesTheAttachedConnection() {
        Outbox outbox = new Outbox(1000);
        FakeConnection old = new FakeConnection();
        FakeConnection current = new FakeConnection();
        outbox.attach(old, HELLO);
        outbox.attach(current, HELLO);
        assertEquals(false, outbox.detach(old));
        assertSame(current, outbox.connection());
        assertTrue(outbox.detach(current));
        assertNull(outbox.connection());
    }

    @Test
    void detachAllDropsTheWaitingFrames() {
        Outbox outbox = new Outbox(1000);
        outbox.send(frame("lost"));
        assertNull(outbox.detachAll());
        assertEquals(0, outbox.waitingBytes());
        FakeConnection c = new FakeConnection();
        outbox.attach(c, HELLO);
        assertEquals(List.of("hello"), c.sentTexts());
    }

    private static OutFrame frame(String text) {
        return new OutFrame(false, text.getBytes(StandardCharsets.UTF_8));
    }
}
