package dev.pagewire.internal;

import dev.pagewire.internal.protocol.DataFrame;

/**
 * What a topic holds: a page's own channel ({@link LivePage}) or a channel it opened to an endpoint
 * ({@link EndpointChannel}). {@link #send} never blocks.
 */
interface TopicMember {

    /** The member's id: the page id, or {@code pageId/channelNumber} for an endpoint channel. */
    String memberId();

    /** Sends a broadcast, numbered in the member's page sequence. */
    void send(DataFrame frame);
}
