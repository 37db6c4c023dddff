package dev.pagewire.backplane;

import java.util.concurrent.CompletableFuture;

/**
 * How the nodes of a cluster reach each other: the seam between Pagewire's core and a distributed
 * engine (Redis in {@code pagewire-redis}). The backplane moves bytes and keeps the few things every
 * node must agree on; what the bytes mean is core's business (routing a connection to the page's
 * owner, calls, topic state), so another engine only has to implement this interface.
 *
 * <p>What a backplane provides:
 *
 * <ul>
 *   <li><b>Nodes.</b> {@link #join} gives this node a number no other node has had in the cluster's
 *       life, and keeps it alive (a lease) until {@link #close}. {@link #state} tells whether another
 *       node is alive, draining, or gone; a node that lost its lease is gone for good, and learns it
 *       through {@link Cluster#evicted} so that it never serves the pages the others consider gone.
 *   <li><b>Node to node messages.</b> {@link #send} delivers to {@link Cluster#received} on the other
 *       node, in the order sent from this node, at most once. Messages may be lost (an outage); core
 *       numbers them itself to notice.
 *   <li><b>Topics.</b> {@link #publish} puts a broadcast, join or leave into its topic's one order
 *       for the whole cluster, keeps members and recent broadcasts, and delivers each event to every
 *       node's {@link Cluster#topicEvent}, this one included, in that order. A node that may have
 *       missed events (it joined, or it was cut off) gets a fresh {@link Cluster#topics} snapshot
 *       first.
 *   <li><b>A shared secret</b> for page tokens, so that a token issued by one node verifies on all.
 * </ul>
 *
 * <p>{@link InMemoryBackplane} is the default: one node, no network, and what core does when it
 * runs alone.
 *
 * <p>Threads: every method is thread-safe; only {@link #join} and {@link #close} may block. Callbacks
 * into {@link Cluster} never block and are made one at a time per stream (messages from one node, in
 * order; the events of one topic, in order), from the backplane's threads or, for
 * {@link #publish}, possibly from the publishing thread. Core never publishes while it holds a lock
 * that its {@link Cluster#topicEvent} takes.
 */
public interface Backplane extends AutoCloseable {

    /** A node's state as this node knows it. */
    enum NodeState {
        /** Alive and taking new pages. */
        ALIVE,
        /** Alive and serving its pages, but taking no new ones (it is shutting down). */
        DRAINING,
        /** Gone: killed, stopped, or cut off past its lease; its pages are lost. */
        GONE
    }

    /**
     * Joins the cluster: registers this node, starts delivering to {@code cluster} (first
     * {@link Cluster#topics}, then events) and keeps the node's lease alive. Blocks until done.
     *
     * @param cluster core's side, which receives what the backplane delivers to this node
     * @return this node's number, at least 1 on a cluster; never one another node has had
     * @throws IllegalStateException if the engine cannot be reached, saying where it was looked for
     */
    int join(Cluster cluster);

    /**
     * The secret every node of the cluster signs page tokens with, at least 32 bytes, or
     * {@code null} when this backplane has none (one node: the application's own secret is used).
     * Valid after {@link #join}.
     *
     * @return the shared secret, or {@code null}
     */
    byte[] sharedSecret();

    /**
     * What this node knows of node {@code node}. A number this node has not seen yet may be a node
     * that joined a moment ago: a backplane answers {@link NodeState#GONE} only for a node it knows
     * to be gone, or that cannot exist (its engine hands out numbers in increasing order, so a number
     * below every live one that it never saw has left).
     *
     * @param node a node's number
     * @return whether it is alive, draining or gone
     */
    NodeState state(int node);

    /**
     * {@return a live node that takes new pages, other than this one, chosen to spread load, or
     * {@code 0} when there is none}
     */
    int anotherLiveNode();

    /**
     * Sends {@code message} to node {@code node}'s {@link Cluster#received}. Never blocks; delivered
     * in the order of the calls from this node, at most once. {@code message} is not modified
     * afterwards and must not be modified by the backplane.
     *
     * @param node the receiving node's number
     * @param message the bytes to deliver
     */
    void send(int node, byte[] message);

    /**
     * Puts a topic event into its topic's order; every node then receives it through
     * {@link Cluster#topicEvent} with its number, this node included. Events of one topic published
     * by one node keep their order. Never blocks.
     *
     * <p>Every event published comes back to this node, unless the backplane lost it in an outage;
     * then it must say so with {@link Cluster#topics} {@code (…, afterOutage = true)} before any later
     * event: core counts a member's join or leave as pending until it comes back.
     *
     * @param event the event, with {@link TopicEvent#seq()} {@code 0}: the backplane numbers it
     */
    void publish(TopicEvent event);

    /**
     * This node takes no new pages from now on: other nodes see it {@link NodeState#DRAINING}. Its
     * lease stays alive until {@link #close}.
     */
    void drain();

    /**
     * The state the cluster keeps of every topic now, each topic read consistently with its event
     * order (tests, diagnostics; core receives it through {@link Cluster#topics}).
     *
     * @return the snapshot, once read
     */
    CompletableFuture<TopicSnapshot> snapshot();

    /**
     * Leaves the cluster: this node's topic members leave, its lease ends (others see it
     * {@link NodeState#GONE} at once), and no callback follows. Blocks briefly. Idempotent.
     */
    @Override
    void close();
}
