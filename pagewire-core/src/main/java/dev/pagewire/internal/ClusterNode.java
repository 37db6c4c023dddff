package dev.pagewire.internal;

import dev.pagewire.backplane.Cluster;
import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.backplane.TopicSnapshot;
import dev.pagewire.internal.cluster.Relay;

/**
 * What the backplane delivers to this node, handed to the part of core it concerns: node-to-node
 * messages and link and node losses to the {@link Relay} that carries
 * connections to pages on other nodes; topic snapshots and events to {@link Topics}; an eviction to
 * the application. Never blocks.
 */
final class ClusterNode implements Cluster {

    private final App app;

    ClusterNode(App app) {
        this.app = app;
    }

    @Override
    public void received(int from, byte[] message) {
        app.relay().received(from, message);
    }

    @Override
    public void linkLost(int node) {
        app.relay().linkLost(node);
    }

    @Override
    public void nodeGone(int node) {
        app.relay().nodeGone(node);
    }

    @Override
    public void topics(TopicSnapshot snapshot, boolean afterOutage) {
        app.topics().reset(snapshot, afterOutage);
    }

    @Override
    public void topicEvent(TopicEvent event) {
        // A broadcast reaches this node's members whose WebSockets other nodes relay: their frames
        // leave as one relay message per node rather than one per page.
        app.relay().batching(() -> app.topics().apply(event));
    }

    @Override
    public void evicted(int newNode) {
        app.evicted(newNode);
    }
}
