package dev.pagewire.redis.internal;

import dev.pagewire.backplane.Backplane.NodeState;
import dev.pagewire.backplane.Cluster;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other nodes, as this one learns of them: from every lease, read each refresh interval, and
 * from the notices nodes publish on {@code <prefix>:cluster} when they join ({@code alive n}), drain
 * ({@code draining n}) or leave ({@code gone n}). A node whose lease is missing is gone: core is
 * told once, and its topic members are removed by the reaping script, which any node may run, as
 * often as it likes.
 *
 * <p>Threads: {@link #notice} runs on the subscriber's thread and never waits; everything else on
 * the control thread.
 */
final class Peers {

    private static final Logger log = LoggerFactory.getLogger(Peers.class);

    private final RedisLink link;
    private final Keys keys;
    private final NodeView view;
    private final Cluster cluster;
    private final Lease lease;
    private final Consumer<Runnable> control;
    private final Duration grace;
    private long graceUntil = System.nanoTime();

    /**
     * @param control runs a task on the control thread
     * @param grace how long nodes get to take their numbers again after Redis lost its data, before
     *     their missing leases count: a lease and a refresh
     */
    Peers(
            RedisLink link,
            Keys keys,
            NodeView view,
            Cluster cluster,
            Lease lease,
            Consumer<Runnable> control,
            Duration grace) {
        this.link = link;
        this.keys = keys;
        this.view = view;
        this.cluster = cluster;
        this.lease = lease;
        this.control = control;
        this.grace = grace;
    }

    /**
     * Reads every lease: who joined, who drains, who is gone.
     *
     * @return false if the epoch in Redis is not {@code epoch} (Redis lost its data); then nothing
     *     was concluded
     */
    boolean refresh(byte[] epoch) {
        List<Object> reply = link.call(Script.REFRESH, ScriptOutputType.MULTI, keys.prefix());
        if (!Arrays.equals(TopicWire.bytes(reply.get(0)), epoch)) {
            return false;
        }
        lease.sawHighest(TopicWire.number(reply.get(1)));
        int self = view.self();
        Set<Integer> listed = new HashSet<>();
        List<Integer> missing = new ArrayList<>();
        for (int i = 2; i + 1 < reply.size(); i += 2) {
            int node = (int) TopicWire.number(reply.get(i));
            String value = TopicWire.text(reply.get(i + 1));
            listed.add(node);
            if (node == self) {
                continue; // the lease's renewal speaks for this node
            }
            if (value.isEmpty()) {
                missing.add(node);
            } else {
                seen(node, value.startsWith("draining:") ? NodeState.DRAINING : NodeState.ALIVE, false);
            }
        }
        for (int node : view.others()) {
            if (!listed.contains(node)) {
                missing.add(node);
            }
        }
        if (System.nanoTime() - graceUntil < 0) {
            return true;
        }
        for (int node : missing) {
            gone(node, view.gone(node), "its lease ended");
        }
        return true;
    }

    /** Redis lost its data: the others get a while to take their numbers again. */
    void grace() {
        graceUntil = System.nanoTime() + grace.toNanos();
    }

    /** A notice from another node, on the subscriber's thread. */
    void notice(String text) {
        int space = text.indexOf(' ');
        int node;
        try {
            node = Integer.parseInt(text.substring(space + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            log.error("unreadable cluster notice: {}", text);
            return;
        }
        if (node == view.self()) {
            return;
        }
        switch (text.substring(0, Math.max(0, space))) {
            case "alive" -> seen(node, NodeState.ALIVE, true);
            case "draining" -> seen(node, NodeState.DRAINING, true);
            case "gone" -> {
                // Gone for state() at once; core hears of it on the control thread, as of every loss.
                boolean news = view.gone(node);
                control.accept(() -> gone(node, news, "it left"));
            }
            default -> log.error("unknown cluster notice: {}", text);
        }
    }

    /** Tells this node's own state to the others. Never waits. */
    void announce(NodeState state) {
        String text = (state == NodeState.DRAINING ? "draining " : "alive ") + view.self();
        link.publish(keys.clusterChannel(), Keys.bytes(text));
    }

    /** Tells core that messages between this node and every other may have been lost. */
    void linksLost() {
        for (int node : view.others()) {
            try {
                cluster.linkLost(node);
            } catch (RuntimeException e) {
                log.error("core failed to handle the lost link to node {}", node, e);
            }
        }
    }

    /**
     * Node {@code node} is gone: removes its members, then tells core if {@code news} (it was known
     * and not gone yet).
     */
    void gone(int node, boolean news, String why) {
        // Queued before core hears of it, so that whatever core publishes in response comes after.
        link.<Long>run(Script.REAP, ScriptOutputType.INTEGER, keys.prefix(), Keys.bytes(Integer.toString(node)))
                .whenComplete((removed, failure) -> {
                    if (failure != null) {
                        log.debug("could not remove node {}'s members yet: {}", node, failure.toString());
                    }
                });
        if (news) {
            log.info("node {} is gone: {}", node, why);
            try {
                cluster.nodeGone(node);
            } catch (RuntimeException e) {
                log.error("core failed to handle the loss of node {}", node, e);
            }
        }
    }

    /** Node {@code node} holds a lease in {@code state}; {@code notice} when it said so itself. */
    private void seen(int node, NodeState state, boolean notice) {
        NodeState before = view.state(node);
        boolean joined = view.seen(node, state);
        if (joined && notice) {
            log.info("node {} joined", node);
        }
        if (state == NodeState.DRAINING && before != NodeState.DRAINING && view.state(node) == NodeState.DRAINING) {
            log.info("node {} is draining", node);
        }
    }
}
