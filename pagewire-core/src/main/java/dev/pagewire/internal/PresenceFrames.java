package dev.pagewire.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagewire.Topic;
import dev.pagewire.internal.protocol.DataFrame;
import dev.pagewire.internal.protocol.FrameCodec;

/**
 * The events a topic sends its members' browsers about the topic itself (docs/PROTOCOL.md §3):
 * {@code pagewire:members}, {@code pagewire:join}, {@code pagewire:leave} and
 * {@code pagewire:missed}, each encoded once for every member it goes to. Thread-safe.
 */
final class PresenceFrames {

    private final String topic;
    private final FrameCodec codec;
    /** Always the same: made once. */
    private final DataFrame missed;

    PresenceFrames(String topic, FrameCodec codec) {
        this.topic = topic;
        this.codec = codec;
        this.missed = codec.systemEvent(TopicState.MISSED, topicObject());
    }

    /**
     * {@code pagewire:members} {@code {"topic":t,"members":[{"id":…,"presence":…},…]}}: the members
     * in order, but {@code exceptId} (the member it goes to).
     */
    DataFrame members(Iterable<Topic.Member> members, String exceptId) {
        ArrayNode list = Json.mapper().createArrayNode();
        for (Topic.Member member : members) {
            if (!member.id().equals(exceptId)) {
                list.add(json(member));
            }
        }
        ObjectNode data = topicObject();
        data.set("members", list);
        return codec.systemEvent(TopicState.MEMBERS, data);
    }

    /** {@code pagewire:join} or {@code pagewire:leave} {@code {"topic":t,"member":{"id":…,"presence":…}}}. */
    DataFrame presence(String event, Topic.Member member) {
        ObjectNode data = topicObject();
        data.set("member", json(member));
        return codec.systemEvent(event, data);
    }

    /** {@code pagewire:missed} {@code {"topic":t}}: broadcasts of the topic may not have reached the page. */
    DataFrame missed() {
        return missed;
    }

    private ObjectNode topicObject() {
        return Json.mapper().createObjectNode().put("topic", topic);
    }

    private static ObjectNode json(Topic.Member member) {
        ObjectNode json = Json.mapper().createObjectNode().put("id", member.id());
        json.set("presence", member.presence());
        return json;
    }
}
