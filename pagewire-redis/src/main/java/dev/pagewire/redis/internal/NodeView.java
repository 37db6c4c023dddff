package dev.pagewire.redis.internal;

import dev.pagewire.backplane.Backplane.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What this node knows of every node: from the leases it reads about every second and from the
 * notices nodes publish when they join, drain or leave. {@link NodeState#GONE} is final: a node
 * once gone never comes back under its number (a node cut off past its lease joins again under a
 * new one), so nothing here turns a gone node alive again.
 *
 * <p>Threads: reads are thread-safe and never block; updates come from the subscriber's thread
 * (notices) and the backplane's control thread (refreshes), and are atomic per node.
 */
final class NodeView {

    private final Map<Integer, NodeState> states = new ConcurrentHashMap<>();
    private volatile int self;

    /** What this node knows of {@code node}; GONE for numbers never seen. */
    NodeState state(int node) {
        return states.getOrDefault(node, NodeState.GONE);
    }

    /** This node's own number and state. */
    void self(int node, NodeState state) {
        self = node;
        seen(node, state);
    }

    int self() {
        return self;
    }

    /**
     * Node {@code node} holds a lease in {@code state}.
     *
     * @return whether it was not known before (it joined)
     */
    boolean seen(int node, NodeState state) {
        boolean[] joined = new boolean[1];
        states.compute(node, (n, old) -> {
            joined[0] = old == null;
            return old == NodeState.GONE ? old : state;
        });
        return joined[0];
    }

    /**
     * Node {@code node} is gone.
     *
     * @return whether this is news: it was known and not gone yet (then it is reported once)
     */
    boolean gone(int node) {
        NodeState before = states.put(node, NodeState.GONE);
        return before != null && before != NodeState.GONE;
    }

    /** The nodes known and not gone, other than this one. */
    List<Integer> others() {
        List<Integer> others = new ArrayList<>();
        int me = self;
        states.forEach((node, state) -> {
            if (node != me && state != NodeState.GONE) {
                others.add(node);
            }
        });
        return others;
    }

    /** A random ALIVE node other than this one, or 0. */
    int anotherLive() {
        List<Integer> alive = new ArrayList<>();
        int me = self;
        states.forEach((node, state) -> {
            if (node != me && state == NodeState.ALIVE) {
                alive.add(node);
            }
        });
        return alive.isEmpty() ? 0 : alive.get(ThreadLocalRandom.current().nextInt(alive.size()));
    }

    /** The highest node number known, gone ones included. */
    int highest() {
        int highest = 0;
        for (int node : states.keySet()) {
            highest = Math.max(highest, node);
        }
        return highest;
    }
}
