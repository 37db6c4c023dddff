package dev.pagewire.internal;

import dev.pagewire.internal.protocol.DataFrame;

/**
 * What a topic holds of a member of this node: something with an id that takes data frames. A
 * {@link LivePage} is one; other kinds ({@link EndpointChannel}, a channel on a page's connection)
 * are too, so {@link Topics} and {@link TopicState} use nothing but this. Members of other nodes of
 * a cluster have no such object here: they are known by id.
 */
interface TopicMember {

    /**
     * The member's id, unique among the members of a topic across the cluster and stable while it is
     * one; what {@code Topic.Member#id()} shows (a page's id for pages, {@code pageId/number} for an
     * endpoint channel). Page ids name their node, so no two nodes make the same id.
     */
    String memberId();

    /**
     * Sends a data frame to the member's browser. Called with the topic's lock held, possibly on the
     * thread that published the topic's event, so it must be thread-safe, never block and never
     * join or leave a topic or broadcast itself. The frame is shared by every member and must not be
     * changed.
     */
    void send(DataFrame frame);
}
