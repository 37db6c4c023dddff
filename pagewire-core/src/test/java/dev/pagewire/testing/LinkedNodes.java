package dev.pagewire.testing;

import dev.pagewire.backplane.Backplane;
import dev.pagewire.backplane.Cluster;
import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.backplane.TopicSnapshot;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A cluster of nodes in one JVM for tests of what core does between nodes: each {@link #node()} is a
 * {@link Backplane} to give an application. Node messages are delivered in order on one thread per
 * receiving node, as an engine's listener would; topic events are numbered per topic and delivered
 * to every node inline, in order. Links can be cut and nodes killed. Not a model of Redis: the
 * engine itself is tested in pagewire-redis.
 */
public final class LinkedNodes implements AutoCloseable {

    private final byte[] secret = new byte[32];
    private final Map<Integer, Node> nodes = new ConcurrentHashMap<>();
    private final Map<String, Long> topicSeqs = new HashMap<>(); // guarded by this
    private int nextNumber = 1; // guarded by this

    public LinkedNodes() {
        new SecureRandom().nextBytes(secret);
    }

    /** A new node's backplane; it joins when an application is made with it. */
    public synchronized Node node() {
        Node node = new Node(nextNumber++);
        nodes.put(node.number, node);
        return node;
    }

    /**
     * Messages between {@code a} and {@code b} are lost from now until {@link #heal}, and both hear
     * that their link was lost.
     */
    public void cut(int a, int b) {
        Node na = nodes.get(a);
        Node nb = nodes.get(b);
        na.cut.add(b);
        nb.cut.add(a);
        na.inbound.execute(() -> na.cluster.linkLost(b));
        nb.inbound.execute(() -> nb.cluster.linkLost(a));
    }

    /** The next message from {@code from} to {@code to} is lost, silently, as an engine may lose one. */
    public void dropNext(int from, int to) {
        nodes.get(from).dropNext.add(to);
    }

    /** Messages between {@code a} and {@code b} flow again. */
    public void heal(int a, int b) {
        nodes.get(a).cut.remove(b);
        nodes.get(b).cut.remove(a);
    }

    /** Node {@code n} dies at once: it hears nothing more, the others see it gone. */
    public void kill(int n) {
        Node dead = nodes.get(n);
        dead.gone = true;
        for (Node other : nodes.values()) {
            if (other != dead && !other.gone) {
                other.inbound.execute(() -> other.cluster.nodeGone(n));
            }
        }
    }

    @Override
    public void close() {
        nodes.values().forEach(n -> n.inbound.shutdownNow());
    }

    private synchronized void publish(TopicEvent event) {
        long seq = topicSeqs.merge(event.topic(), 1L, Long::sum);
        TopicEvent numbered = event.withSeq(seq);
        for (Node node : nodes.values()) {
            if (!node.gone && node.cluster != null) {
                node.cluster.topicEvent(numbered);
            }
        }
    }

    /** One node of the cluster. */
    public final class Node implements Backplane {
        final int number;
        final ExecutorService inbound;
        final java.util.Set<Integer> cut = ConcurrentHashMap.newKeySet();
        final java.util.Set<Integer> dropNext = ConcurrentHashMap.newKeySet();
        volatile Cluster cluster;
        volatile boolean gone;
        volatile boolean draining;

        Node(int number) {
            this.number = number;
            this.inbound = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "linked-node-" + number);
                t.setDaemon(true);
                return t;
            });
        }

        public int number() {
            return number;
        }

        @Override
        public int join(Cluster cluster) {
            this.cluster = cluster;
            cluster.topics(TopicSnapshot.empty(), false);
            return number;
        }

        @Override
        public byte[] sharedSecret() {
            return secret.clone();
        }

        @Override
        public NodeState state(int node) {
            Node n = nodes.get(node);
            if (n == null || n.gone) {
                return NodeState.GONE;
            }
            return n.draining ? NodeState.DRAINING : NodeState.ALIVE;
        }

        @Override
        public int anotherLiveNode() {
            Object[] live = nodes.values().stream()
                    .filter(n -> n != this && !n.gone && !n.draining)
                    .toArray();
            return live.length == 0
                    ? 0
                    : ((Node) live[ThreadLocalRandom.current().nextInt(live.length)]).number;
        }

        @Override
        public void send(int node, byte[] message) {
            Node to = nodes.get(node);
            if (gone || to == null || to.gone || cut.contains(node) || dropNext.remove(node)) {
                return;
            }
            to.inbound.execute(() -> {
                if (!to.gone && !to.cut.contains(number)) {
                    to.cluster.received(number, message);
                }
            });
        }

        @Override
        public void publish(TopicEvent event) {
            if (!gone) {
                LinkedNodes.this.publish(event);
            }
        }

        @Override
        public void drain() {
            draining = true;
        }

        @Override
        public CompletableFuture<TopicSnapshot> snapshot() {
            return CompletableFuture.completedFuture(TopicSnapshot.empty());
        }

        @Override
        public void close() {
            gone = true;
        }
    }
}
