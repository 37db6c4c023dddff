package dev.pagewire.backplane;

import java.util.Objects;

/**
 * One event of a topic, as the backplane orders and delivers it: a broadcast, a member joining (or
 * joining again with new presence), or a member leaving.
 *
 * @param seq the event's number in its topic's order, set by the backplane; {@code 0} when
 *     publishing. Increasing within a topic; gaps are allowed (the backplane may number several
 *     topics with one counter)
 * @param topic the topic's name
 * @param kind what happened
 * @param member for a join or leave, the member's id (a page's id); for a broadcast, the member that
 *     must not receive it, or {@code null}
 * @param node for a join, the node the member lives on; {@code 0} otherwise
 * @param payload for a broadcast, the encoded event frame; for a join, the presence as JSON text in
 *     UTF-8; empty for a leave. Shared: never modified
 * @param history for a broadcast, how many of the topic's latest broadcasts the cluster keeps after
 *     it ({@code 0}: none, and the kept ones are forgotten); ignored otherwise
 */
public record TopicEvent(long seq, String topic, Kind kind, String member, int node, byte[] payload, int history) {

    /** What a topic event is. */
    public enum Kind {
        /** An event sent to every member (but one, perhaps). */
        BROADCAST,
        /** A member joined, or joined again with new presence. */
        JOIN,
        /** A member left, or closed. */
        LEAVE
    }

    /**
     * Checks the fields that are never {@code null}.
     *
     * @throws NullPointerException if {@code topic}, {@code kind} or {@code payload} is {@code null},
     *     or {@code member} for a join or leave
     */
    public TopicEvent {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(payload, "payload");
        if (kind != Kind.BROADCAST) {
            Objects.requireNonNull(member, "member");
        }
    }

    /**
     * {@return a broadcast to publish}
     *
     * @param topic the topic's name
     * @param exceptMember the member that must not receive it, or {@code null}
     * @param frame the encoded event frame
     * @param history how many of the latest broadcasts the topic keeps after this one
     */
    public static TopicEvent broadcast(String topic, String exceptMember, byte[] frame, int history) {
        return new TopicEvent(0, topic, Kind.BROADCAST, exceptMember, 0, frame, history);
    }

    /**
     * {@return a join to publish}
     *
     * @param topic the topic's name
     * @param member the joining member's id
     * @param node the node the member lives on
     * @param presenceJson its presence as JSON text in UTF-8
     */
    public static TopicEvent join(String topic, String member, int node, byte[] presenceJson) {
        return new TopicEvent(0, topic, Kind.JOIN, member, node, presenceJson, 0);
    }

    /**
     * {@return a leave to publish}
     *
     * @param topic the topic's name
     * @param member the leaving member's id
     */
    public static TopicEvent leave(String topic, String member) {
        return new TopicEvent(0, topic, Kind.LEAVE, member, 0, new byte[0], 0);
    }

    /**
     * {@return this event with the number the backplane gave it}
     *
     * @param seq the event's number in its topic's order
     */
    public TopicEvent withSeq(long seq) {
        return new TopicEvent(seq, topic, kind, member, node, payload, history);
    }

    @Override
    public String toString() {
        return "TopicEvent[" + seq + " " + kind + " " + topic + (member == null ? "" : " " + member) + "]";
    }
}
