package dev.pagewire.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load generator's side of PROTOCOL.md §10: numbering, acks piggybacked, at once, or swept. */
class PagewireFramesTest {

    private final List<String> replies = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private int ackSweeps;
    private boolean ready;

    private final PagewireFrames frames = new PagewireFrames(new PagewireFrames.Peer() {
        @Override
        public void hello() {
            ready = true;
        }

        @Override
        public void open(String conn) {}

        @Override
        public void event(String name, String data) {
            events.add(name + ":" + data);
        }

        @Override
        public void reply(String frame) {
            replies.add(frame);
        }

        @Override
        public void closed(String reason) {}

        @Override
        public void scheduleAck() {
            ackSweeps++;
        }
    });

    @Test
    void eventsAreNumberedAndCarryTheAckWhenItChanged() {
        assertEquals("[\"ev\",\"echo\",\"1\",1]", frames.event("echo", "1"));
        frames.read("[\"ev\",\"echo\",\"1\",1]");
        assertEquals("[\"ev\",\"echo\",\"2\",2,1]", frames.event("echo", "2"));
        assertEquals("[\"ev\",\"echo\",\"3\",3]", frames.event("echo", "3"));
        assertEquals(List.of("echo:1"), events);
    }

    @Test
    void aReceivedFrameSchedulesOneSweepAndTheSweepAcksIt() {
        frames.read("[\"hello\",{\"v\":1,\"page\":\"p\",\"heartbeat\":15000,\"ack\":0}]");
        frames.read("[\"ev\",\"fan\",\"9\",1]");
        frames.read("[\"ev\",\"fan\",\"9\",2,0]");
        assertEquals(true, ready);
        assertEquals(1, ackSweeps);
        assertEquals("[\"ack\",2]", frames.takeAck());
        assertNull(frames.takeAck());
    }

    @Test
    void sixtyFourUnackedFramesAreAckedAtOnce() {
        for (int s = 1; s <= 64; s++) {
            frames.read("[\"ev\",\"fan\",\"x\"," + s + "]");
        }
        assertEquals(List.of("[\"ack\",64]"), replies);
    }

    @Test
    void pingIsAnsweredAndDuplicatesAreNotDeliveredTwiceInTheCount() {
        frames.read("[\"ping\"]");
        frames.read("[\"ev\",\"fan\",\"x\",1]");
        frames.read("[\"ev\",\"fan\",\"x\",1]");
        assertEquals(List.of("[\"pong\"]"), replies);
        assertEquals("[\"ack\",1]", frames.takeAck());
    }

    @Test
    void anErrorFrameFailsTheLinkWithTheFrame() {
        var e = assertThrows(
                IllegalStateException.class, () -> frames.read("[\"err\",\"unknown_event\",\"no handler\",1]"));
        assertEquals("the server refused a frame: [\"err\",\"unknown_event\",\"no handler\",1]", e.getMessage());
    }
}
