package dev.pagewire.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The topics one member (a page's own channel, or an endpoint channel) is in, with the presence it
 * joined each with, kept in step with the application's {@link Topics}: every join and leave of the
 * member is published from here, under this object's lock, so the backplane receives them in the
 * order they were made, and a join that races with the member's close never leaves it a member of
 * a topic. The lock is never held by anything the backplane's delivery runs, so publishing under it
 * is safe even when the backplane delivers on the publishing thread. Thread-safe.
 */
final class Memberships {

    private final Topics registry;
    private final TopicMember member;
    private final BooleanSupplier closed;
    /**
     * Topic name to the presence as JSON; made at the first join (many pages join no topic), when
     * the member registers with {@link Topics} as a member of this node. Changed under this object's
     * lock; read without it by {@link #isIn}.
     */
    private volatile Map<String, byte[]> topics;
    /**
     * The member's page has not connected yet: its joins are heard locally only (it gets the topics'
     * broadcasts) and published at {@link #reveal}, so that a page nobody opened (a crawler, a
     * prefetch) never counts as a member. Changed under this object's lock.
     */
    private volatile boolean unseen;

    /** @param unseen whether the member's joins wait for its first connection ({@link #reveal}) */
    Memberships(Topics registry, TopicMember member, BooleanSupplier closed, boolean unseen) {
        this.registry = registry;
        this.member = member;
        this.closed = closed;
        this.unseen = unseen;
    }

    /**
     * The member's page connected for the first time: its joins are published, with their presence,
     * and it counts as a member from now on. Idempotent.
     */
    synchronized void reveal() {
        if (!unseen) {
            return;
        }
        unseen = false;
        Map<String, byte[]> t = topics;
        if (t != null && !closed.getAsBoolean()) {
            t.forEach((topic, json) -> registry.publishJoin(topic, member, json));
        }
    }

    TopicMember member() {
        return member;
    }

    /**
     * Joins, or updates the presence in, {@code topic}; a no-op once the member is closed.
     *
     * @throws IllegalArgumentException if {@code presence} cannot be converted to JSON (nothing joins)
     */
    void join(String topic, Object presence) {
        Objects.requireNonNull(topic, "topic");
        if (closed.getAsBoolean()) {
            return;
        }
        byte[] json = Presence.json(presence);
        synchronized (this) {
            // A close marks the member closed before it leaves its topics under this lock: after that
            // no join may start, and before it the close sees this topic.
            if (closed.getAsBoolean()) {
                return;
            }
            if (topics == null) {
                topics = new ConcurrentHashMap<>();
                registry.register(this);
            }
            topics.put(topic, json);
            if (unseen) {
                registry.joinUnseen(topic, member);
            } else {
                registry.publishJoin(topic, member, json);
            }
        }
    }

    /** Leaves {@code topic}; a no-op if the member is not in it. */
    synchronized void leave(String topic) {
        Map<String, byte[]> t = topics;
        if (t != null && t.remove(topic) != null) {
            if (unseen) {
                registry.leaveUnseen(topic, member);
            } else {
                registry.publishLeave(topic, member);
            }
        }
    }

    /** Leaves every topic (the member closed; it is marked closed already) and unregisters. */
    synchronized void leaveAll() {
        Map<String, byte[]> t = topics;
        if (t == null) {
            return;
        }
        for (String topic : List.copyOf(t.keySet())) {
            leave(topic);
        }
        registry.unregister(this);
    }

    /**
     * Publishes the member's join of {@code topic} again, with its presence, if it is still in it: the
     * cluster lost it (an outage).
     */
    synchronized void rejoin(String topic) {
        Map<String, byte[]> t = topics;
        byte[] json = t == null ? null : t.get(topic);
        if (json != null && !unseen && !closed.getAsBoolean()) {
            registry.publishJoin(topic, member, json);
        }
    }

    /** Publishes a leave of {@code topic} unless the member is in it: the cluster lost its leave. */
    synchronized void leaveUnlessIn(String topic) {
        if (!isIn(topic) || unseen) {
            registry.publishLeave(topic, member);
        }
    }

    /** Whether the member is in {@code topic} now. Takes no lock. */
    boolean isIn(String topic) {
        Map<String, byte[]> t = topics;
        return t != null && t.containsKey(topic);
    }

    Set<String> topics() {
        Map<String, byte[]> t = topics;
        return t == null ? Set.of() : Set.copyOf(t.keySet());
    }
}
