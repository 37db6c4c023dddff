package dev.pagewire.redis.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.backplane.TopicSnapshot;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading what the Lua scripts write, byte for byte as prelude.lua describes it. */
class TopicWireTest {

    @Test
    void aBroadcastWithoutAnExceptedMember() {
        TopicEvent e = TopicWire.event(wire("B 17 0 3 4 -1\n", "room", "", "\u0000frame"));
        assertEquals(17, e.seq());
        assertEquals("room", e.topic());
        assertEquals(TopicEvent.Kind.BROADCAST, e.kind());
        assertEquals(3, e.history());
        assertNull(e.member());
        assertArrayEquals(bytes("\u0000frame"), e.payload());
    }

    @Test
    void aJoinWithMultiByteNamesAndPresence() {
        String topic = "salle-é";
        String member = "pâge";
        byte[] head = bytes("J 5 12 0 " + bytes(topic).length + " " + bytes(member).length + "\n");
        TopicEvent e = TopicWire.event(wire(new String(head, StandardCharsets.UTF_8), topic, member, "{\"a\":1}"));
        assertEquals(TopicEvent.Kind.JOIN, e.kind());
        assertEquals(topic, e.topic());
        assertEquals(member, e.member());
        assertEquals(12, e.node());
        assertArrayEquals(bytes("{\"a\":1}"), e.payload());
    }

    @Test
    void aShortOrStrangeEventIsMalformed() {
        assertThrows(TopicWire.Malformed.class, () -> TopicWire.event(bytes("B 1 0 0 10 -1\nroom")));
        assertThrows(TopicWire.Malformed.class, () -> TopicWire.event(bytes("X 1 0 0 0 -1\n")));
        assertThrows(TopicWire.Malformed.class, () -> TopicWire.event(bytes("no header")));
    }

    @Test
    void aTopicsMembersComeInJoinOrderWithTheirHistory() {
        List<Object> reply = List.of(
                bytes("30"),
                2L,
                bytes("late"),
                bytes("20 3 {\"b\":2}"),
                bytes("early"),
                bytes("7 1 {}"),
                bytes("25 frame one"),
                bytes("29 frame two"));

        TopicSnapshot.Topic topic = TopicWire.topic(reply);

        assertEquals(30, topic.seq());
        assertEquals(
                List.of("early", "late"),
                topic.members().stream().map(TopicSnapshot.Member::id).toList());
        assertEquals(3, topic.members().get(1).node());
        assertArrayEquals(bytes("{\"b\":2}"), topic.members().get(1).presence());
        assertEquals(
                List.of(25L, 29L),
                topic.history().stream().map(TopicSnapshot.Broadcast::seq).toList());
        assertArrayEquals(bytes("frame one"), topic.history().get(0).frame());
        assertNull(TopicWire.topic(List.of()), "a topic that keeps nothing");
    }

    private static byte[] wire(String header, String topic, String member, String payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(header));
        out.writeBytes(bytes(topic));
        out.writeBytes(bytes(member));
        out.writeBytes(bytes(payload));
        return out.toByteArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
