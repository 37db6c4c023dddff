package dev.pagewire.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.backplane.Cluster;
import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.backplane.TopicSnapshot;
import dev.pagewire.redis.internal.TopicFeed.ClusterSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The switch from a snapshot to live events, without Redis: what is delivered, and what not. */
class TopicFeedTest {

    /** What core got: "snapshot" or "topic#seq". */
    final List<String> got = new ArrayList<>();

    final AtomicInteger resyncs = new AtomicInteger();

    final Cluster cluster = new Cluster() {
        @Override
        public void received(int from, byte[] message) {}

        @Override
        public void linkLost(int node) {}

        @Override
        public void nodeGone(int node) {}

        @Override
        public void topics(TopicSnapshot snapshot, boolean afterOutage) {
            got.add("snapshot");
        }

        @Override
        public void topicEvent(TopicEvent event) {
            got.add(event.topic() + "#" + event.seq());
        }

        @Override
        public void evicted(int newNode) {}
    };

    final TopicFeed feed = new TopicFeed(cluster, 3, resyncs::incrementAndGet);

    @Test
    void eventsBeforeTheSnapshotWaitAndThoseItIncludesAreDropped() {
        feed.received(event("a", 4)); // included in a's snapshot (seq 5)
        feed.received(event("b", 6)); // b is not in the snapshot: after the floor (5), so it counts
        feed.received(event("a", 7));
        assertEquals(List.of(), got, "nothing before the snapshot");

        assertTrue(feed.resume(snapshot(5, Map.of("a", 5L)), false));

        assertEquals(List.of("snapshot", "b#6", "a#7"), got);
    }

    @Test
    void filteringGoesOnAfterTheSwitchUntilAnEventAboveEverySnapshotNumber() {
        feed.resume(snapshot(2, Map.of("a", 9L)), false);

        feed.received(event("a", 8)); // read before the snapshot, arrived after it
        feed.received(event("b", 10));
        feed.received(event("a", 11));

        assertEquals(List.of("snapshot", "b#10", "a#11"), got);
    }

    @Test
    void numbersGoingBackMeanRedisLostItsDataAndAskForANewSnapshot() {
        feed.resume(snapshot(0, Map.of()), false);
        feed.received(event("a", 40));

        feed.received(event("a", 1)); // Redis started over
        feed.received(event("a", 2));

        assertEquals(List.of("snapshot", "a#40"), got, "held back");
        assertEquals(1, resyncs.get());
        assertTrue(feed.resume(snapshot(1, Map.of("a", 1L)), true));
        assertEquals(List.of("snapshot", "a#40", "snapshot", "a#2"), got);
    }

    @Test
    void tooManyEventsWhilePausedRefuseTheSnapshotSoThatAnotherIsRead() {
        for (int seq = 1; seq <= 4; seq++) {
            feed.received(event("a", seq)); // the limit is 3
        }

        assertFalse(feed.resume(snapshot(0, Map.of()), false));
        assertEquals(List.of(), got);

        feed.received(event("a", 5));
        assertTrue(feed.resume(snapshot(4, Map.of("a", 4L)), false));
        assertEquals(List.of("snapshot", "a#5"), got);
    }

    @Test
    void nothingAfterClose() {
        feed.resume(snapshot(0, Map.of()), false);
        feed.close();
        feed.received(event("a", 1));
        assertEquals(List.of("snapshot"), got);
    }

    private static TopicEvent event(String topic, long seq) {
        return TopicEvent.broadcast(topic, null, new byte[0], 0).withSeq(seq);
    }

    private static ClusterSnapshot snapshot(long floor, Map<String, Long> topics) {
        Map<String, TopicSnapshot.Topic> all = new java.util.HashMap<>();
        topics.forEach((name, seq) -> all.put(name, new TopicSnapshot.Topic(seq, List.of(), List.of())));
        return new ClusterSnapshot(new TopicSnapshot(all), floor);
    }
}
