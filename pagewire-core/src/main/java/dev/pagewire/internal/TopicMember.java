package dev.pagewire.internal;

import dev.pagewire.internal.protocol.DataFrame;

/**
 * What a topic holds: something with an id that takes data frames. A {@link LivePage} is one; other
 * kinds ({@link EndpointChannel}, a channel on a page's connection) are too, so {@link Topics} and
 * {@link TopicState} use nothing but this.
 */
interface TopicMember {

    /**
     * The member's id, unique among the members of a topic and stable while it is one; what
     * {@code Topic.Member#id()} shows (a page's id for pages).
     */
    String memberId();

    /**
     * Sends a data frame to the member's browser. Called with the topic's lock held, so it must be
     * thread-safe, never block and never join or leave a topic itself. The frame is shared by every
     * member and must not be changed.
     */
    void send(DataFrame frame);
}
