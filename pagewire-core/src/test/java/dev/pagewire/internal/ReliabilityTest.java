package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.Settings;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.testing.FakeConnection;
import dev.pagewire.testing.Wait;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/PROTOCOL.md §10 through the SPI: numbers, acks, resume, duplicates, gaps, bounds, missed. */
class ReliabilityTest {

    private static final String PATH = "/p";

    private final AtomicInteger handled = new AtomicInteger();
    private App app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private Tab open(Consumer<Settings.Builder> settings) {
        Settings.Builder builder = Settings.builder();
        settings.accept(builder);
        app = new App(builder.build());
        app.page(PATH, (request, page) -> {
            page.on("n", e -> handled.incrementAndGet());
            return "<p>p</p>";
        });
        return Tab.open(app, PATH);
    }

    private Tab open() {
        return open(s -> {});
    }

    private static String ev(String name, Object data, long seq) {
        return "[\"ev\",\"" + name + "\"," + data + "," + seq + "]";
    }

    private static LivePage live(Tab tab) {
        return (LivePage) tab.page();
    }

    private static void emitN(Page page, int from, int to) {
        for (int i = from; i <= to; i++) {
            page.emit("e", i);
        }
    }

    // ---- numbering and resume

    @Test
    void numbersContinueAcrossReconnects() {
        Tab tab = open();
        FakeConnection first = tab.connect();
        emitN(tab.page(), 1, 2);
        assertEquals(ev("e", 1, 1), first.nextText());
        assertEquals(ev("e", 2, 2), first.nextText());
        first.end();
        tab.page().emit("e", 3);
        FakeConnection second = tab.resume(2);
        assertEquals(ev("e", 3, 3), second.nextText());
        tab.page().emit("e", 4);
        assertEquals(ev("e", 4, 4), second.nextText());
    }

    @Test
    void resumeResendsExactlyTheUnackedFramesInOrderAfterHello() {
        Tab tab = open();
        FakeConnection first = tab.connect();
        emitN(tab.page(), 1, 5);
        first.receive("[\"ack\",2]");
        first.end();
        FakeConnection second = new FakeConnection().attachTo(app, PATH, tab.token(), "2");
        assertTrue(second.nextText().startsWith("[\"hello\","));
        for (int i = 3; i <= 5; i++) {
            assertEquals(ev("e", i, i), second.nextText());
        }
        tab.page().emit("marker", 0);
        assertEquals(ev("marker", 0, 6), second.nextText(), "nothing else came before the new frame");
    }

    @Test
    void resumeWithAnAckTheServerNeverGotStillSkipsWhatTheBrowserHas() {
        Tab tab = open();
        FakeConnection first = tab.connect();
        emitN(tab.page(), 1, 4);
        first.end();
        FakeConnection second = tab.resume(3);
        assertEquals(ev("e", 4, 4), second.nextText());
        assertEquals(1, live(tab).outbox().replayFrames(), "the resume ack forgot frames 1 to 3");
    }

    @Test
    void ackedFramesAreForgottenAndNotResent() {
        Tab tab = open();
        FakeConnection first = tab.connect();
        emitN(tab.page(), 1, 5);
        first.receive("[\"ack\",5]");
        assertEquals(0, live(tab).outbox().replayFrames());
        assertEquals(0, live(tab).outbox().replayBytes());
        first.end();
        FakeConnection second = tab.resume(5);
        tab.page().emit("marker", 0);
        assertEquals(ev("marker", 0, 6), second.nextText());
    }

    @Test
    void helloTellsTheServersAckSoTheBrowserResendsOnlyWhatIsMissing() {
        Tab tab = open();
        FakeConnection first = tab.connect();
        first.receive("[\"ev\",\"n\",null,1]");
        first.receive("[\"ev\",\"n\",null,2]");
        first.end();
        FakeConnection second = new FakeConnection().attachTo(app, PATH, tab.token(), "0");
        String hello = second.nextText();
        assertTrue(hello.endsWith(",\"ack\":2}]"), hello);
        second.receive("[\"ev\",\"n\",null,3]");
        Wait.await("three events handled", () -> handled.get() == 3);
    }

    @Test
    void piggybackedAckOnAFrameCarriesTheBrowsersFramesAsWell() {
        Tab tab = open();
        FakeConnection c = tab.connect();
        tab.page().emit("e", 1);
        assertEquals(ev("e", 1, 1), c.nextText());
        c.receive("[\"ev\",\"n\",null,1,1]");
        assertEquals(0, live(tab).outbox().replayFrames(), "the ack riding on the event forgot frame 1");
    }

    // ---- duplicates, gaps, unnumbered

    @Test
    void duplicatesAreDroppedButStillAcked() {
        Tab tab = open();
        FakeConnection c = tab.connect();
        c.receive("[\"ev\",\"n\",null,1]");
        c.receive("[\"ev\",\"n\",null,1]");
        c.receive("[\"ev\",\"n\",null,2]");
        c.receive("[\"ev\",\"n\",null,1]");
        Wait.await("the standalone ack", () -> c.sentTexts().contains("[\"ack\",2]"));
        Wait.await("the mailbox to be empty", () -> handled.get() >= 2);
        assertEquals(2, handled.get(), "each number handled once");
        long acksBefore = c.sentTexts().stream().filter("[\"ack\",2]"::equals).count();
        c.receive("[\"ev\",\"n\",null,2]");
        Wait.await(
                "a duplicate alone to be acked again",
                () -> c.sentTexts().stream().filter("[\"ack\",2]"::equals).count() > acksBefore);
        assertEquals(2, handled.get());
    }

    @Test
    void aGapClosesTheConnectionWith4400AndKeepsThePage() {
        Tab tab = open();
        FakeConnection c = tab.connect();
        c.receive("[\"ev\",\"n\",null,1]");
        c.receive("[\"ev\",\"n\",null,3]");
        FakeConnection.Close close = c.awaitClose();
        assertEquals(CloseCodes.BAD_FRAME, close.code());
        assertTrue(close.reason().contains("gap"), close.reason());
        assertFalse(tab.page().isClosed());
        FakeConnection again = new FakeConnection().attachTo(app, PATH, tab.token(), "0");
        assertTrue(again.nextText().endsWith(",\"ack\":1}]"), "frame 3 was not counted");
    }

    @Test
    void unnumberedFramesAreDeliveredButNotTracked() {
        Tab tab = open();
        FakeConnection c = tab.connect();
        c.receive("[\"ev\",\"n\",1]");
        c.receive("[\"ev\",\"n\"]");
        Wait.await("both handled", () -> handled.get() == 2);
        c.end();
        FakeConnection again = new FakeConnection().attachTo(app, PATH, tab.token(), "0");
        assertTrue(again.nextText().endsWith(",\"ack\":0}]"));
    }

    @Test
    void anAckAboveWhatWasSentIsAProtocolError() {
        Tab tab = open();
        FakeConnection c = tab.connect();
        tab.page().emit("e", 1);
        c.receive("[\"ack\",2]");
        assertEquals(CloseCodes.BAD_FRAME, c.awaitClose().code());
        Attachment refused = tab.app().attach(PATH, tab.token(), "2", new FakeConnection());
        assertEquals(
                CloseCodes.BAD_FRAME,
                assertInstanceOf(Attachment.Refused.class, refused).code());
        Attachment bad = tab.app().attach(PATH, tab.token(), "x", new FakeConnection());
        assertEquals(
                new Attachment.Refused(CloseCodes.BAD_FRAME, "the ack parameter must be a non-negative integer"), bad);
        tab.resume(1);
    }

    // ---- acks: piggybacked, delayed, at once

    @Test
    void theAckRidesOnTheNextDataFrameAndNoStandaloneAckFollows() {
        Tab tab = open();
        FakeConnection c = tab.connect();
        c.receive("[\"ev\",\"n\",null,1]");
        tab.page().emit("e", 1);
        assertEquals("[\"ev\",\"e\",1,1,1]", c.nextText());
        Wait.await("the delayed flush to run", () -> live(tab).ackFlushes() == 1);
        assertFalse(
                c.sentTexts().stream().anyMatch(t -> t.startsWith("[\"ack\"")),
                c.sentTexts().toString());
        tab.page().emit("e", 2);
        assertEquals("[\"ev\",\"e\",2,2]", c.nextText(), "the ack is told once");
    }

    @Test
    void withNothingToRideOnTheAckIsSentAloneAfterADelay() {
        Tab tab = open();
        FakeConnection c = tab.connect();
        long start = System.nanoTime();
        c.receive("[\"ev\",\"n\",null,1]");
        assertEquals("[\"ack\",1]", c.nextText());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= Receipts.ACK_DELAY_MILLIS - 5, "after the delay, not at once: " + millis + " ms");
    }

    @Test
    void sixtyFourUnackedFramesAreAckedAtOnce() {
        Tab tab = open();
        FakeConnection c = tab.connect();
        for (int i = 1; i <= Receipts.ACK_AT_ONCE; i++) {
            c.receive("[\"ev\",\"n\",null," + i + "]");
        }
        // No wait: the 64th frame's arrival sent it (unless a delayed flush got there first).
        boolean atOnce = c.sentTexts().contains("[\"ack\",64]");
        assertTrue(atOnce || live(tab).ackFlushes() > 0, c.sentTexts().toString());
        Wait.await("the ack of all 64", () -> c.sentTexts().contains("[\"ack\",64]"));
    }

    // ---- bounds and missed data

    @Test
    void pastMaxReplayFramesTheOldestAreDroppedAndReportedMissed() {
        Tab tab = open(s -> s.maxReplayFrames(3));
        emitN(tab.page(), 1, 5);
        assertEquals(3, live(tab).outbox().replayFrames());
        FakeConnection c = tab.connect();
        assertEquals("[\"missed\",{\"from\":1,\"to\":2,\"reason\":\"replay buffer full (3 frames)\"}]", c.nextText());
        for (int i = 3; i <= 5; i++) {
            assertEquals(ev("e", i, i), c.nextText());
        }
    }

    @Test
    void pastMaxReplayBytesTheOldestAreDroppedAndReportedMissed() {
        // ["ev","e","xxxxxxxxxx",N] is 25 bytes for N < 10: four fit in 100 bytes.
        Tab tab = open(s -> s.maxReplayBytes(100));
        FakeConnection c = tab.connect();
        for (int i = 1; i <= 6; i++) {
            tab.page().emit("e", "x".repeat(10));
        }
        assertEquals(4, live(tab).outbox().replayFrames());
        assertEquals(100, live(tab).outbox().replayBytes());
        c.receive("[\"ack\",1]");
        c.end();
        FakeConnection again = tab.resume(1);
        assertEquals(
                "[\"missed\",{\"from\":2,\"to\":2,\"reason\":\"replay buffer full (100 bytes)\"}]", again.nextText());
        for (int i = 3; i <= 6; i++) {
            assertEquals(ev("e", "\"xxxxxxxxxx\"", i), again.nextText());
        }
    }

    @Test
    void nothingIsMissedWhenTheBrowserHadTheDroppedFrames() {
        Tab tab = open(s -> s.maxReplayFrames(2));
        FakeConnection c = tab.connect();
        emitN(tab.page(), 1, 4);
        c.end();
        FakeConnection again = tab.resume(3);
        assertEquals(ev("e", 4, 4), again.nextText());
    }

    @Test
    void aFrameLargerThanTheBufferIsSentButNotKept() {
        Tab tab = open(s -> s.maxReplayBytes(50));
        FakeConnection c = tab.connect();
        tab.page().emit("e", 1);
        tab.page().emit("big", "x".repeat(100));
        assertEquals(ev("e", 1, 1), c.nextText());
        assertTrue(c.nextText().startsWith("[\"ev\",\"big\""));
        assertEquals(0, live(tab).outbox().replayFrames());
        c.end();
        FakeConnection again = tab.resume(0);
        assertEquals(
                "[\"missed\",{\"from\":1,\"to\":2,\"reason\":\"frame larger than the replay buffer (50 bytes)\"}]",
                again.nextText());
    }

    @Test
    void aDisconnectedPageUnderAFloodKeepsItsMemoryBoundedAndStaysOpen() {
        Tab tab = open(s -> s.maxReplayFrames(50).maxReplayBytes(4000));
        FakeConnection c = tab.connect();
        c.end();
        String chunk = "y".repeat(100);
        int n = 20_000;
        for (int i = 1; i <= n; i++) {
            tab.page().emit("flood", chunk);
            assertTrue(live(tab).outbox().replayFrames() <= 50);
            assertTrue(live(tab).outbox().replayBytes() <= 4000);
        }
        assertFalse(tab.page().isClosed(), "a full buffer drops the oldest instead of closing the page");
        int kept = live(tab).outbox().replayFrames();
        FakeConnection again = tab.resume(0);
        assertEquals(
                "[\"missed\",{\"from\":1,\"to\":" + (n - kept) + ",\"reason\":\"replay buffer full (4000 bytes)\"}]",
                again.nextText());
        for (int i = n - kept + 1; i <= n; i++) {
            assertEquals(ev("flood", "\"" + chunk + "\"", i), again.nextText());
        }
    }

    @Test
    void slowConsumerIsClosedWith4503ThenResumesFromItsAckWithoutAGap() {
        Tab tab = open(s -> s.maxOutboundBytes(500));
        FakeConnection slow = tab.connect(new FakeConnection().stall());
        int emitted = 0;
        while (!slow.isClosed()) {
            tab.page().emit("e", "z".repeat(50));
            emitted++;
        }
        assertEquals(CloseCodes.SLOW_CONSUMER, slow.awaitClose().code());
        assertFalse(tab.page().isClosed());
        slow.end();
        FakeConnection next = tab.resume(2);
        for (int i = 3; i <= emitted; i++) {
            assertEquals(ev("e", "\"" + "z".repeat(50) + "\"", i), next.nextText());
        }
        tab.page().emit("e", 0);
        assertEquals(ev("e", 0, emitted + 1), next.nextText());
    }

    // ---- topics

    @Test
    void aBroadcastIsNumberedInEachMembersOwnSequence() {
        app = new App(Settings.defaults());
        app.page("/room", (request, page) -> {
            page.join("room");
            return "<p>room</p>";
        });
        Tab alice = Tab.open(app, "/room");
        Tab bob = Tab.open(app, "/room");
        FakeConnection toAlice = alice.connect();
        FakeConnection toBob = bob.connect();
        alice.page().emit("own", 1);
        app.topic("room").emit("said", "hi");
        assertEquals(ev("own", 1, 1), toAlice.nextText());
        assertEquals(ev("said", "\"hi\"", 2), toAlice.nextText());
        assertEquals(ev("said", "\"hi\"", 1), toBob.nextText());
    }
}
