package dev.pagewire.testing;

import dev.pagewire.backplane.Backplane;
import dev.pagewire.backplane.Cluster;
import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.backplane.TopicSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster's engine in one JVM, for tests: each {@link #newNode} is the {@link Backplane} of one
 * application, and the nodes reach each other through this object as they would through Redis. It
 * numbers every topic event (one counter for all topics), keeps each topic's members and recent
 * broadcasts as the events say, and delivers each event to every node, the publisher included, on
 * one delivery thread: in the order numbered, after the publish returned (as a real engine does).
 *
 * <p>Tests can make it misbehave as a real one does: {@link #cut} a node off (its publishes are lost,
 * and so are events for it) and {@link #reconnect} it (it receives a snapshot after an outage, then
 * events again), {@link #restart} the engine (it forgets every member and broadcast), or
 * {@link #hold} deliveries to queue events up. Between two nodes, {@link #cutLink} loses their
 * messages (both hear their link was lost) until {@link #healLink}, and {@link #dropNext} loses one
 * message silently; {@link #kill} makes a node die at once (the others see it gone, its members
 * leave). {@link #settle} waits until everything published so
 * far is delivered. Thread-safe.
 */
public final class TestCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TestCluster.class);

    /** A topic as the engine keeps it. */
    private static final class Kept {
        long seq;
        final LinkedHashMap<String, TopicSnapshot.Member> members = new LinkedHashMap<>();
        final ArrayDeque<TopicSnapshot.Broadcast> history = new ArrayDeque<>();
    }

    private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-cluster-delivery");
        t.setDaemon(true);
        return t;
    });
    private final byte[] secret = new byte[32];
    /** Deliveries queued so far. */
    private final AtomicLong queued = new AtomicLong();
    /** Node-to-node messages sent so far. */
    private final AtomicLong messages = new AtomicLong();

    // Guarded by this. Numbering, keeping and queueing happen in one step under it, so the delivery
    // queue is in number order and a snapshot queued with them is exact.
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Kept> topics = new LinkedHashMap<>();
    private long seq;
    private CountDownLatch held;

    public TestCluster() {
        Arrays.fill(secret, (byte) 7);
    }

    /** A backplane for one more application of this cluster. */
    public Backplane newNode() {
        return new Node();
    }

    /**
     * Waits until every event, message and snapshot queued so far has been delivered, and those that
     * deliveries published in turn (a node publishing joins again after a snapshot).
     */
    public void settle() {
        long before;
        do {
            before = queued.get();
            CompletableFuture<Void> done = new CompletableFuture<>();
            queue(() -> done.complete(null));
            await(done, "the cluster's deliveries");
        } while (queued.get() != before + 1);
    }

    /** How many node-to-node messages ({@link Backplane#send}) the nodes have sent so far. */
    public long messagesSent() {
        return messages.get();
    }

    /**
     * Cuts {@code node} off from now on: what it publishes is lost, and so is every event queued after
     * this call for it, until {@link #reconnect}.
     */
    public synchronized void cut(Backplane node) {
        Node n = (Node) node;
        n.cut = true;
        queue(() -> n.deaf = true);
    }

    /**
     * {@code node} reaches the engine again: it receives a snapshot of every topic as of now, after an
     * outage, then the events published after this call.
     */
    public synchronized void reconnect(Backplane node) {
        Node n = (Node) node;
        n.cut = false;
        TopicSnapshot snapshot = snapshot();
        queue(() -> {
            n.deaf = false;
            n.cluster.topics(snapshot, true);
        });
    }

    /** Node {@code number} dies: it hears and sends nothing more, its members leave, the others see it gone. */
    public synchronized void kill(int number) {
        Node dead = node(number);
        dead.close();
        for (Node n : nodes) {
            if (n != dead && !n.closed) {
                queue(() -> n.cluster.nodeGone(number));
            }
        }
    }

    /** Messages between nodes {@code a} and {@code b} are lost until {@link #healLink}; both hear their link was lost. */
    public synchronized void cutLink(int a, int b) {
        Node na = node(a);
        Node nb = node(b);
        na.cutFrom.add(b);
        nb.cutFrom.add(a);
        queue(() -> na.cluster.linkLost(b));
        queue(() -> nb.cluster.linkLost(a));
    }

    /** Messages between nodes {@code a} and {@code b} flow again. */
    public synchronized void healLink(int a, int b) {
        node(a).cutFrom.remove(b);
        node(b).cutFrom.remove(a);
    }

    /** The next message from node {@code from} to node {@code to} is lost, silently, as an engine may lose one. */
    public synchronized void dropNext(int from, int to) {
        node(from).dropNext.add(to);
    }

    private Node node(int number) {
        for (Node n : nodes) {
            if (n.number == number) {
                return n;
            }
        }
        throw new IllegalArgumentException("no node " + number);
    }

    /** The engine restarts without its data: no topic has members or broadcasts any more, and every node hears so after an outage. */
    public synchronized void restart() {
        topics.clear();
        for (Node n : nodes) {
            if (!n.closed) {
                queue(() -> n.cluster.topics(TopicSnapshot.empty(), true));
            }
        }
    }

    /** Holds every delivery queued after this call until {@link #release}: events wait, in order. */
    public synchronized void hold() {
        CountDownLatch latch = new CountDownLatch(1);
        held = latch;
        queue(() -> {
            try {
                if (!latch.await(Wait.LONG.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.error("held for longer than {}: released", Wait.LONG);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Lets the deliveries {@link #hold} held go on. */
    public synchronized void release() {
        if (held != null) {
            held.countDown();
            held = null;
        }
    }

    /** The topics as the engine keeps them now. */
    public synchronized TopicSnapshot snapshot() {
        Map<String, TopicSnapshot.Topic> all = new LinkedHashMap<>();
        topics.forEach((name, k) ->
                all.put(name, new TopicSnapshot.Topic(k.seq, List.copyOf(k.members.values()), List.copyOf(k.history))));
        return new TopicSnapshot(all);
    }

    @Override
    public void close() {
        release();
        delivery.shutdownNow();
    }

    /** Numbers {@code event}, keeps what it changes and queues it for every node but cut ones; under the lock. */
    private void publish(Node from, TopicEvent event) {
        if (from.cut || from.closed) {
            return; // lost, as in an outage
        }
        TopicEvent numbered = event.withSeq(++seq);
        keep(numbered);
        List<Node> to = List.copyOf(nodes);
        queue(() -> {
            for (Node n : to) {
                if (!n.deaf && !n.closed) {
                    n.cluster.topicEvent(numbered);
                }
            }
        });
    }

    private void keep(TopicEvent e) {
        Kept k = topics.computeIfAbsent(e.topic(), t -> new Kept());
        k.seq = e.seq();
        switch (e.kind()) {
            case BROADCAST -> {
                k.history.addLast(new TopicSnapshot.Broadcast(e.seq(), e.payload()));
                while (k.history.size() > e.history()) {
                    k.history.removeFirst();
                }
            }
            case JOIN -> k.members.put(e.member(), new TopicSnapshot.Member(e.member(), e.node(), e.payload()));
            case LEAVE -> k.members.remove(e.member());
        }
        if (k.members.isEmpty() && k.history.isEmpty()) {
            topics.remove(e.topic());
        }
    }

    private void queue(Runnable delivery) {
        queued.incrementAndGet();
        this.delivery.execute(() -> {
            try {
                delivery.run();
            } catch (RuntimeException | Error e) {
                log.error("a delivery failed", e);
            }
        });
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(Wait.LONG.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out after " + Wait.LONG + " waiting for " + what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what, e);
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed", e.getCause());
        }
    }

    /** One node's backplane. */
    private final class Node implements Backplane {
        volatile Cluster cluster;
        volatile int number;
        /** Its publishes are lost (guarded by the cluster's lock). */
        boolean cut;
        /** Events for it are lost (the delivery thread's). */
        volatile boolean deaf;
        /** Nodes whose messages to and from this one are lost (written under the cluster's lock). */
        final java.util.Set<Integer> cutFrom = java.util.concurrent.ConcurrentHashMap.newKeySet();
        /** Nodes the next message to which is lost (guarded by the cluster's lock). */
        final java.util.Set<Integer> dropNext = new java.util.HashSet<>();

        volatile boolean closed;

        @Override
        public int join(Cluster cluster) {
            CompletableFuture<Void> joined = new CompletableFuture<>();
            synchronized (TestCluster.this) {
                if (this.cluster != null) {
                    throw new IllegalStateException("joined already");
                }
                this.cluster = cluster;
                number = nodes.size() + 1;
                nodes.add(this);
                TopicSnapshot snapshot = TestCluster.this.snapshot();
                queue(() -> {
                    cluster.topics(snapshot, false);
                    joined.complete(null);
                });
            }
            await(joined, "node " + number + "'s first snapshot");
            return number;
        }

        @Override
        public byte[] sharedSecret() {
            return secret.clone();
        }

        @Override
        public NodeState state(int node) {
            synchronized (TestCluster.this) {
                for (Node n : nodes) {
                    if (n.number == node) {
                        return n.closed ? NodeState.GONE : NodeState.ALIVE;
                    }
                }
                return NodeState.GONE;
            }
        }

        @Override
        public int anotherLiveNode() {
            synchronized (TestCluster.this) {
                for (Node n : nodes) {
                    if (n != this && !n.closed) {
                        return n.number;
                    }
                }
                return 0;
            }
        }

        @Override
        public void send(int node, byte[] message) {
            messages.incrementAndGet();
            synchronized (TestCluster.this) {
                if (closed || cut || cutFrom.contains(node) || dropNext.remove(node)) {
                    return;
                }
                for (Node n : nodes) {
                    if (n.number == node && !n.closed) {
                        int from = number;
                        queue(() -> {
                            if (!n.closed && !n.cutFrom.contains(from)) {
                                n.cluster.received(from, message);
                            }
                        });
                    }
                }
            }
        }

        @Override
        public void publish(TopicEvent event) {
            synchronized (TestCluster.this) {
                TestCluster.this.publish(this, event);
            }
        }

        @Override
        public void drain() {}

        @Override
        public CompletableFuture<TopicSnapshot> snapshot() {
            return CompletableFuture.completedFuture(TestCluster.this.snapshot());
        }

        /** Its members leave, as when a node stops or its lease ends. */
        @Override
        public void close() {
            synchronized (TestCluster.this) {
                if (closed || cluster == null) {
                    closed = true;
                    return;
                }
                for (Map.Entry<String, Kept> topic : List.copyOf(topics.entrySet())) {
                    for (TopicSnapshot.Member m :
                            List.copyOf(topic.getValue().members.values())) {
                        if (m.node() == number) {
                            TestCluster.this.publish(this, TopicEvent.leave(topic.getKey(), m.id()));
                        }
                    }
                }
                closed = true;
            }
        }

        @Override
        public String toString() {
            return "TestCluster.Node[" + number + "]";
        }
    }
}
