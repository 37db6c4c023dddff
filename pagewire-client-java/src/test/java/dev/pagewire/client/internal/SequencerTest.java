package dev.pagewire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Numbers, acks and resends, one side of docs/PROTOCOL.md §10, without a network. */
class SequencerTest {

    private final List<String> controls = new ArrayList<>();
    private final List<Runnable> timers = new ArrayList<>();
    private boolean connected = true;
    private final Sequencer seq = new Sequencer(
            3,
            (ms, task) -> {
                timers.add(task);
                return new CompletableFuture<>();
            },
            frame -> connected && controls.add(frame.line()));

    private void add(String name) {
        String start = Frames.eventStart(Frames.head(0), name, Frames.toJson(null));
        seq.add((s, a) -> Frames.numbered(start, s, a), null);
    }

    private List<String> unsent() {
        return seq.unsent().stream().map(Outgoing::line).toList();
    }

    @Test
    void numbersFramesOneByOneAndSendsEachOnce() {
        add("a");
        add("b");
        assertEquals(List.of("[\"ev\",\"a\",null,1]", "[\"ev\",\"b\",null,2]"), unsent());
        assertEquals(List.of(), unsent());
    }

    @Test
    void keepsFramesUntilAckedAndResendsTheRestAfterHello() {
        add("a");
        add("b");
        add("c");
        assertTrue(seq.full());
        unsent();
        seq.resume(1, 0); // a new connection whose server has frame 1
        assertEquals(List.of("[\"ev\",\"b\",null,2]", "[\"ev\",\"c\",null,3]"), unsent());
        seq.acked(3);
        assertEquals(0, seq.size());
    }

    @Test
    void piggybacksTheAckOnTheNextFrameOnly() {
        assertEquals(Sequencer.Receipt.NEW, seq.receive(1));
        add("a");
        add("b");
        assertEquals(List.of("[\"ev\",\"a\",null,1,1]", "[\"ev\",\"b\",null,2]"), unsent());
        timers.forEach(Runnable::run);
        assertEquals(List.of(), controls, "no standalone ack once the server knows");
    }

    @Test
    void acksAloneWithinATimerOrAtOnceAtSixtyFour() {
        seq.receive(1);
        assertEquals(1, timers.size());
        timers.getFirst().run();
        assertEquals(List.of("[\"ack\",1]"), controls);
        for (long s = 2; s <= 65; s++) {
            seq.receive(s);
        }
        assertEquals(List.of("[\"ack\",1]", "[\"ack\",65]"), controls);
    }

    @Test
    void dropsDuplicatesButAcksThemAndReportsGaps() {
        seq.receive(1);
        seq.receive(2);
        assertEquals(Sequencer.Receipt.DUPLICATE, seq.receive(2));
        assertEquals(Sequencer.Receipt.GAP, seq.receive(4));
        assertEquals(2, seq.received());
    }

    @Test
    void countsMissedFramesAsReceived() {
        seq.receive(1);
        seq.missed(10);
        assertEquals(10, seq.received());
        assertEquals(Sequencer.Receipt.NEW, seq.receive(11));
    }

    @Test
    void aResumeAfterARefusalForSizeGivesUpTheOldestAndRenumbersTheRestSoTheServerSeesNoGap() {
        add("big");
        add("b");
        unsent();
        assertEquals(-1, seq.resume(0, 0), "nothing given up without a 1009");
        unsent();
        seq.refusedTooLarge();
        assertEquals(1, seq.resume(0, 0));
        assertEquals(List.of("[\"ev\",\"b\",null,1]"), unsent());
        add("c");
        assertEquals(List.of("[\"ev\",\"c\",null,2]"), unsent());
    }

    @Test
    void anAckDueWhileDisconnectedWaitsForTheNextConnection() {
        connected = false;
        seq.receive(1);
        timers.getFirst().run();
        assertEquals(List.of(), controls);
        connected = true;
        seq.resume(0, 0); // its request carried ack=0: the server still needs to hear 1
        timers.getLast().run();
        assertEquals(List.of("[\"ack\",1]"), controls);
    }
}
