package dev.pagewire.internal;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The topics one member (a page's own channel, or an endpoint channel) is in, kept in step with the
 * application's {@link Topics}: a join that races with the member's close never leaves it a member
 * of a topic. Thread-safe.
 */
final class Memberships {

    private final Topics registry;
    private final TopicMember member;
    private final BooleanSupplier closed;
    /** Made at the first join: many pages join no topic. */
    private volatile Set<String> topics;

    Memberships(Topics registry, TopicMember member, BooleanSupplier closed) {
        this.registry = registry;
        this.member = member;
        this.closed = closed;
    }

    /** Joins, or updates the presence in, {@code topic}; a no-op once the member is closed. */
    void join(String topic, Object presence) {
        Objects.requireNonNull(topic, "topic");
        if (closed.getAsBoolean()) {
            return;
        }
        registry.join(topic, member, presence);
        joined().add(topic);
        // A close that ran meanwhile may have missed this topic; it was marked closed before it looked.
        if (closed.getAsBoolean()) {
            leave(topic);
        }
    }

    void leave(String topic) {
        Set<String> t = topics;
        if (t != null && t.remove(topic)) {
            registry.leave(topic, member);
        }
    }

    /** Leaves every topic (the member closed; it is marked closed already). */
    void leaveAll() {
        Set<String> t = topics;
        if (t == null) {
            return;
        }
        for (String topic : t) {
            leave(topic);
        }
    }

    Set<String> topics() {
        Set<String> t = topics;
        return t == null ? Set.of() : Set.copyOf(t);
    }

    private synchronized Set<String> joined() {
        if (topics == null) {
            topics = ConcurrentHashMap.newKeySet();
        }
        return topics;
    }
}
