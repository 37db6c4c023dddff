package dev.pagewire.backplane;

/**
 * Core's side of a {@link Backplane}: what the backplane delivers to this node. Implemented by
 * Pagewire's core; a backplane calls it from its own threads and the calls never block.
 */
public interface Cluster {

    /**
     * A message node {@code from} sent with {@link Backplane#send}; messages of one sender arrive
     * one at a time, in the order sent.
     *
     * @param from the sending node's number
     * @param message the bytes it sent; core does not modify them
     */
    void received(int from, byte[] message);

    /**
     * Messages between this node and {@code node} may have been lost (the connection to the engine
     * broke, or {@code node} is gone): whatever core relays between the two must start over.
     *
     * @param node the other node's number
     */
    void linkLost(int node);

    /**
     * Node {@code node} is gone for good ({@link Backplane.NodeState#GONE}): its pages are lost.
     *
     * @param node the gone node's number
     */
    void nodeGone(int node);

    /**
     * The topics as the cluster keeps them now: members and recent broadcasts of each, as of its
     * {@link TopicSnapshot.Topic#seq()}. Comes before the first {@link #topicEvent}, and again
     * whenever events may have been missed (an outage); a topic's events that follow have higher
     * numbers than its snapshot.
     *
     * @param snapshot every topic's members and kept broadcasts
     * @param afterOutage whether events may have been lost since the last snapshot (not on the
     *     first one)
     */
    void topics(TopicSnapshot snapshot, boolean afterOutage);

    /**
     * One topic event, in its topic's order (increasing {@link TopicEvent#seq()}).
     *
     * @param event the event, numbered by the backplane
     */
    void topicEvent(TopicEvent event);

    /**
     * This node lost its lease (cut off from the engine for longer than the lease): the other nodes
     * consider it gone and its pages lost, so core closes every page it owns, and their browsers
     * render anew. The backplane has joined again as node {@code newNode}, which core uses for new
     * pages from now on; a {@link #topics} snapshot follows.
     *
     * @param newNode this node's new number
     */
    void evicted(int newNode);
}
