package dev.pagewire.redis;

import dev.pagewire.backplane.Cluster;
import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.backplane.TopicSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A {@link Cluster} that records every call, in order, and checks as it goes what the SPI promises
 * every backplane: a first snapshot that is not after an outage and comes before the first topic
 * event, and each topic's events above its snapshot number and increasing. A broken promise is kept in {@link
 * #violations()} (the backplane's thread must not be made to throw). Thread-safe.
 */
final class RecordingCluster implements Cluster {

    /** One call, as recorded. */
    sealed interface Call {}

    record Received(int from, byte[] message) implements Call {}

    record LinkLost(int node) implements Call {}

    record NodeGone(int node) implements Call {}

    record Topics(TopicSnapshot snapshot, boolean afterOutage) implements Call {}

    record Event(TopicEvent event) implements Call {}

    record Evicted(int newNode) implements Call {}

    private final List<Call> calls = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<String, Long> lastSeq = new HashMap<>();
    private boolean hadTopics;

    @Override
    public void received(int from, byte[] message) {
        record(new Received(from, message));
    }

    @Override
    public void linkLost(int node) {
        record(new LinkLost(node));
    }

    @Override
    public void nodeGone(int node) {
        record(new NodeGone(node));
    }

    @Override
    public void topics(TopicSnapshot snapshot, boolean afterOutage) {
        synchronized (this) {
            if (!hadTopics && afterOutage) {
                violations.add("the first snapshot says afterOutage");
            }
            hadTopics = true;
            lastSeq.clear();
            snapshot.topics().forEach((name, topic) -> lastSeq.put(name, topic.seq()));
        }
        record(new Topics(snapshot, afterOutage));
    }

    @Override
    public void topicEvent(TopicEvent event) {
        synchronized (this) {
            if (!hadTopics) {
                violations.add("topic event before any snapshot: " + event);
            }
            Long last = lastSeq.put(event.topic(), event.seq());
            if (last != null && event.seq() <= last) {
                violations.add("topic " + event.topic() + " went from " + last + " to " + event.seq());
            }
        }
        record(new Event(event));
    }

    @Override
    public void evicted(int newNode) {
        record(new Evicted(newNode));
    }

    private void record(Call call) {
        synchronized (this) {
            calls.add(call);
        }
    }

    /** Every call so far, in order. */
    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls of one kind so far, in order. */
    synchronized <C extends Call> List<C> calls(Class<C> kind) {
        return calls.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** The topic events so far that match, in order. */
    synchronized List<TopicEvent> events(Predicate<TopicEvent> which) {
        return calls(Event.class).stream().map(Event::event).filter(which).toList();
    }

    /** The topic events of {@code topic} so far, in order. */
    List<TopicEvent> events(String topic) {
        return events(e -> e.topic().equals(topic));
    }

    /** The last snapshot handed over, or null. */
    synchronized Topics lastTopics() {
        List<Topics> all = calls(Topics.class);
        return all.isEmpty() ? null : all.getLast();
    }

    /** What went against the SPI's promises; empty if nothing. */
    synchronized List<String> violations() {
        return List.copyOf(violations);
    }
}
