package dev.pagewire.backplane;

import java.util.concurrent.CompletableFuture;

/**
 * The backplane of an application that runs alone: one node (number {@code 0}), no network. Topic
 * events are numbered and handed back to core at once, on the publishing thread; the members and
 * history of topics live in core's own topic state, so there is nothing to keep here. Topics are
 * spread over a fixed set of locks, so the events of one topic are delivered one at a time, in
 * order, while other topics go on in parallel. This is what every application uses unless it is
 * given another backplane.
 */
public final class InMemoryBackplane implements Backplane {

    private static final int STRIPES = 64;

    /** Guards the event numbers of the topics that hash to it, and their delivery. */
    private static final class Stripe {
        long seq;
    }

    private final Stripe[] stripes = new Stripe[STRIPES];
    private volatile Cluster cluster;
    private volatile boolean closed;

    /** Creates the backplane of one application; it joins when the application is created with it. */
    public InMemoryBackplane() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    @Override
    public synchronized int join(Cluster cluster) {
        if (this.cluster != null) {
            throw new IllegalStateException("this backplane has joined already");
        }
        cluster.topics(TopicSnapshot.empty(), false);
        this.cluster = cluster;
        return 0;
    }

    @Override
    public byte[] sharedSecret() {
        return null;
    }

    @Override
    public NodeState state(int node) {
        return node == 0 && !closed ? NodeState.ALIVE : NodeState.GONE;
    }

    @Override
    public int anotherLiveNode() {
        return 0;
    }

    @Override
    public void send(int node, byte[] message) {
        throw new IllegalStateException("there is no node " + node + ": this application runs alone");
    }

    /** Numbers the event and delivers it before returning. */
    @Override
    public void publish(TopicEvent event) {
        Cluster c = cluster;
        if (c == null || closed) {
            return;
        }
        Stripe stripe = stripes[Math.floorMod(event.topic().hashCode(), STRIPES)];
        synchronized (stripe) {
            c.topicEvent(event.withSeq(++stripe.seq));
        }
    }

    @Override
    public void drain() {}

    @Override
    public CompletableFuture<TopicSnapshot> snapshot() {
        return CompletableFuture.completedFuture(TopicSnapshot.empty());
    }

    @Override
    public void close() {
        closed = true;
    }
}
