package dev.pagewire.redis.internal;

import dev.pagewire.backplane.Cluster;
import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.backplane.TopicSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands topic events and snapshots to core in the cluster's order. Every topic event of the cluster
 * arrives on one channel, numbered by one counter, so they arrive here in increasing order. Around a
 * snapshot the feed is <em>paused</em>: events are buffered, the snapshot is read (after the
 * subscription is confirmed), handed over, and then the buffered events follow, except those the
 * snapshot includes already. Those are told apart by number: an event is included if its number is
 * at most its topic's snapshot number (or, for a topic the snapshot does not have, at most the
 * counter as read before the snapshot). Filtering goes on after the switch, because an event read
 * before the snapshot may still arrive after it (the snapshot comes over the other connection), and
 * stops with the first event above every snapshot number.
 *
 * <p>If numbers go back, Redis lost its data: the feed pauses (dropping what it buffered before)
 * and asks for a new snapshot.
 *
 * <p>Threads: thread-safe. Events arrive on the subscriber's thread; snapshots are handed over from
 * the control thread. Both deliver under one lock, so core gets one call at a time, in order; the
 * lock is only contended while a snapshot is handed over.
 */
final class TopicFeed {

    private static final Logger log = LoggerFactory.getLogger(TopicFeed.class);

    /**
     * Every topic as read, and the topic counter as read before them.
     *
     * @param snapshot the topics
     * @param floor the last event number given when reading began
     */
    record ClusterSnapshot(TopicSnapshot snapshot, long floor) {}

    private final Cluster cluster;
    private final int bufferLimit;
    private final Runnable resync;
    private final Object lock = new Object();

    // All guarded by lock.
    private boolean live;
    private boolean closed;
    private boolean overflowed;
    private final List<TopicEvent> buffer = new ArrayList<>();
    private long last;
    private boolean filtering;
    private Map<String, TopicSnapshot.Topic> floors = Map.of();
    private long floor;
    private long filterUntil;

    /**
     * @param cluster where events and snapshots go
     * @param bufferLimit events buffered while paused; past it they are dropped, and the next
     *     snapshot is refused so that another is read
     * @param resync asks for a new snapshot (numbers went back); must not block
     */
    TopicFeed(Cluster cluster, int bufferLimit, Runnable resync) {
        this.cluster = cluster;
        this.bufferLimit = bufferLimit;
        this.resync = resync;
    }

    /** An event from the topics channel (the subscriber's thread). */
    void received(TopicEvent event) {
        boolean wantResync = false;
        synchronized (lock) {
            if (closed) {
                return;
            }
            long before = live ? last : buffer.isEmpty() ? 0 : buffer.getLast().seq();
            if (event.seq() <= before) {
                log.debug("topic event numbers went back from {} to {}: Redis lost its data", before, event.seq());
                if (!live) {
                    // What is buffered came before the loss, and the snapshot being read may too.
                    buffer.clear();
                    overflowed = true;
                }
                live = false;
                wantResync = true;
            }
            if (!live) {
                if (buffer.size() < bufferLimit) {
                    buffer.add(event);
                } else {
                    overflowed = true;
                }
            } else {
                deliver(event);
            }
        }
        if (wantResync) {
            resync.run();
        }
    }

    /** Buffers events from now on, until {@link #resume}. */
    void pause() {
        synchronized (lock) {
            live = false;
        }
    }

    /**
     * Hands {@code snapshot} to core, then the buffered events it does not include, and goes live.
     *
     * @return false if events were dropped while paused (too many, or from before a loss of data):
     *     nothing was handed over, the feed stays paused, and the caller must read another snapshot
     */
    boolean resume(ClusterSnapshot snapshot, boolean afterOutage) {
        synchronized (lock) {
            if (closed) {
                return true;
            }
            if (overflowed) {
                overflowed = false;
                buffer.clear();
                return false;
            }
            try {
                cluster.topics(snapshot.snapshot(), afterOutage);
            } catch (RuntimeException e) {
                log.error("core failed to take the topics snapshot", e);
            }
            floors = snapshot.snapshot().topics();
            floor = snapshot.floor();
            filterUntil = floor;
            for (TopicSnapshot.Topic topic : floors.values()) {
                filterUntil = Math.max(filterUntil, topic.seq());
            }
            filtering = true;
            last = 0;
            for (TopicEvent event : buffer) {
                deliver(event);
            }
            buffer.clear();
            live = true;
            return true;
        }
    }

    /** No call to core follows. */
    void close() {
        synchronized (lock) {
            closed = true;
            buffer.clear();
        }
    }

    private void deliver(TopicEvent event) {
        long seq = event.seq();
        last = seq;
        if (filtering) {
            if (seq > filterUntil) {
                filtering = false;
                floors = Map.of();
            } else {
                TopicSnapshot.Topic topic = floors.get(event.topic());
                if (seq <= (topic != null ? topic.seq() : floor)) {
                    return;
                }
            }
        }
        try {
            cluster.topicEvent(event);
        } catch (RuntimeException e) {
            log.error("core failed to take topic event {}", event, e);
        }
    }
}
