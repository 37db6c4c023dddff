package dev.pagewire.redis;

import static dev.pagewire.redis.RedisBackplaneTest.SOON;
import static dev.pagewire.redis.RedisBackplaneTest.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.backplane.TopicSnapshot;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.redis.Nodes.Node;
import dev.pagewire.redis.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Topics on Redis: one order for the whole cluster, and the state a joining node starts from. */
class RedisTopicsTest {

    static RedisServer redis;
    Nodes nodes;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void newPrefix() {
        nodes = new Nodes(redis);
    }

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    @Test
    void everyNodeSeesTheEventsOfATopicInOneOrder() throws InterruptedException {
        List<Node> all = List.of(nodes.join(), nodes.join(), nodes.join());
        int perNodeAndTopic = 200;
        List<Thread> publishers = new ArrayList<>();
        for (Node node : all) {
            publishers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < perNodeAndTopic; i++) {
                    for (String topic : List.of("t1", "t2")) {
                        String frame = node.number() + ":" + i;
                        node.backplane().publish(TopicEvent.broadcast(topic, null, json(frame), 0));
                    }
                }
            }));
        }
        for (Thread t : publishers) {
            t.join();
        }

        int expected = 3 * 2 * perNodeAndTopic;
        for (Node node : all) {
            Wait.await(
                    SOON,
                    "node " + node.number() + " to get every event",
                    () -> node.cluster().events(e -> true).size() == expected);
        }
        List<String> first = order(all.get(0));
        for (Node node : all) {
            assertEquals(first, order(node), "node " + node.number() + "'s order");
            assertEquals(List.of(), node.cluster().violations());
            // Each publisher's events of one topic keep the order it published them in.
            for (Node publisher : all) {
                List<String> from = node.cluster().events("t1").stream()
                        .map(e -> new String(e.payload(), StandardCharsets.UTF_8))
                        .filter(f -> f.startsWith(publisher.number() + ":"))
                        .toList();
                for (int i = 0; i < perNodeAndTopic; i++) {
                    assertEquals(publisher.number() + ":" + i, from.get(i));
                }
            }
        }
    }

    @Test
    void aJoiningNodeStartsFromMembersInJoinOrderAndTheKeptBroadcasts() throws Exception {
        Node a = nodes.join();
        Node b = nodes.join();
        a.backplane().publish(TopicEvent.join("room", "m1", a.number(), json("{\"name\":\"ann\"}")));
        Wait.await(SOON, "m1's join at b", () -> b.cluster().events("room").size() == 1);
        b.backplane().publish(TopicEvent.join("room", "m2", b.number(), json("{\"name\":\"bob\"}")));
        Wait.await(SOON, "m2's join at a", () -> a.cluster().events("room").size() == 2);
        a.backplane().publish(TopicEvent.join("room", "m3", a.number(), json("{}")));
        Wait.await(SOON, "m3's join at b", () -> b.cluster().events("room").size() == 3);
        for (int i = 1; i <= 5; i++) {
            b.backplane().publish(TopicEvent.broadcast("room", "m2", json("\"b" + i + "\""), 3));
        }
        Wait.await(SOON, "the broadcasts at a", () -> a.cluster().events("room").size() == 8);
        // m1 joins again with new presence: it keeps its place.
        a.backplane().publish(TopicEvent.join("room", "m1", a.number(), json("{\"name\":\"ann\",\"away\":true}")));
        Wait.await(SOON, "every event at a", () -> a.cluster().events("room").size() == 9);
        List<TopicEvent> events = a.cluster().events("room");
        TopicEvent exceptM2 = events.get(3);
        assertEquals(TopicEvent.Kind.BROADCAST, exceptM2.kind());
        assertEquals("m2", exceptM2.member());
        assertEquals(3, exceptM2.history());

        Node c = nodes.join();

        RecordingCluster.Topics first =
                c.cluster().calls(RecordingCluster.Topics.class).get(0);
        assertFalse(first.afterOutage());
        TopicSnapshot.Topic room = first.snapshot().topics().get("room");
        assertEquals(events.getLast().seq(), room.seq());
        assertEquals(
                List.of("m1", "m2", "m3"),
                room.members().stream().map(TopicSnapshot.Member::id).toList());
        assertEquals(
                List.of(a.number(), b.number(), a.number()),
                room.members().stream().map(TopicSnapshot.Member::node).toList());
        assertArrayEquals(
                json("{\"name\":\"ann\",\"away\":true}"), room.members().get(0).presence());
        assertArrayEquals(json("{\"name\":\"bob\"}"), room.members().get(1).presence());
        assertEquals(
                List.of("\"b3\"", "\"b4\"", "\"b5\""),
                room.history().stream()
                        .map(h -> new String(h.frame(), StandardCharsets.UTF_8))
                        .toList());
        assertEquals(events.get(5).seq(), room.history().get(0).seq(), "b3's number");
        // The same from snapshot(), on any node.
        TopicSnapshot read = b.backplane().snapshot().get(10, TimeUnit.SECONDS);
        assertEquals(
                room.members().stream().map(TopicSnapshot.Member::id).toList(),
                read.topics().get("room").members().stream()
                        .map(TopicSnapshot.Member::id)
                        .toList());
        assertEquals(room.seq(), read.topics().get("room").seq());
    }

    @Test
    void eventsAfterTheSnapshotFollowItWithHigherNumbers() throws Exception {
        Node a = nodes.join();
        a.backplane().publish(TopicEvent.join("room", "m1", a.number(), json("{}")));
        Wait.await(SOON, "the join", () -> a.cluster().events("room").size() == 1);
        AtomicBoolean bJoined = new AtomicBoolean();
        Thread busy = Thread.ofVirtual().start(() -> {
            // Until b has joined, and as many again after: b's join falls among broadcasts.
            int i = 0;
            while (!bJoined.get() && i < 1_000_000) {
                a.backplane().publish(TopicEvent.broadcast("room", null, json(Integer.toString(i++)), 0));
            }
            for (int more = 0; more < 500; more++) {
                a.backplane().publish(TopicEvent.broadcast("room", null, json(Integer.toString(i++)), 0));
            }
        });

        Node b = nodes.join();
        bJoined.set(true);

        busy.join();
        a.backplane().publish(TopicEvent.broadcast("room", null, json("\"last\""), 0));
        for (Node n : List.of(a, b)) {
            Wait.await(
                    SOON,
                    "the last broadcast at node " + n.number(),
                    () -> n.cluster().events("room").stream()
                            .anyMatch(e -> new String(e.payload(), StandardCharsets.UTF_8).equals("\"last\"")));
        }
        TopicSnapshot.Topic room = b.cluster()
                .calls(RecordingCluster.Topics.class)
                .get(0)
                .snapshot()
                .topics()
                .get("room");
        // Nothing missed, nothing doubled: what b got is exactly what a got after b's snapshot.
        List<Long> afterSnapshot = a.cluster().events("room").stream()
                .map(TopicEvent::seq)
                .filter(seq -> seq > room.seq())
                .toList();
        assertEquals(
                afterSnapshot,
                b.cluster().events("room").stream().map(TopicEvent::seq).toList());
        assertEquals(List.of(), b.cluster().violations());
    }

    @Test
    void leavesRemoveMembersAndAnEmptyTopicLeavesNoKeys() throws Exception {
        Node a = nodes.join();
        a.backplane().publish(TopicEvent.join("room", "m1", a.number(), json("{}")));
        a.backplane().publish(TopicEvent.broadcast("room", null, json("1"), 2));
        a.backplane().publish(TopicEvent.leave("room", "m1"));
        a.backplane().publish(TopicEvent.leave("room", "m1")); // not a member: it comes back all the same
        Wait.await(SOON, "four events", () -> a.cluster().events("room").size() == 4);
        assertEquals(TopicEvent.Kind.LEAVE, a.cluster().events("room").get(3).kind());
        TopicSnapshot kept = a.backplane().snapshot().get(10, TimeUnit.SECONDS);
        assertTrue(kept.topics().get("room").members().isEmpty());
        assertEquals(1, kept.topics().get("room").history().size(), "the broadcast is kept");

        a.backplane().publish(TopicEvent.broadcast("room", null, json("2"), 0)); // forget history

        Wait.await(SOON, "the last broadcast", () -> a.cluster().events("room").size() == 5);
        assertNull(a.backplane().snapshot().get(10, TimeUnit.SECONDS).topics().get("room"));
        assertEquals("", redis.command("KEYS", nodes.prefix() + ":t:*"), "no keys of the topic remain");
        assertEquals("0", redis.command("SCARD", nodes.prefix() + ":topic-index"));
        assertEquals(TopicEvent.Kind.LEAVE, a.cluster().events("room").get(2).kind());
        // A leave of a topic that keeps nothing comes back too, and leaves no keys either.
        a.backplane().publish(TopicEvent.leave("elsewhere", "m9"));
        Wait.await(
                SOON,
                "the leave of nothing",
                () -> a.cluster().events("elsewhere").size() == 1);
        assertEquals("", redis.command("KEYS", nodes.prefix() + ":t:*"));
    }

    @Test
    void aClosingNodesMembersLeave() {
        Node a = nodes.join();
        Node b = nodes.join();
        b.backplane().publish(TopicEvent.join("room", "mb", b.number(), json("{}")));
        Wait.await(SOON, "the join at a", () -> a.cluster().events("room").size() == 1);

        b.backplane().close();

        Wait.await(SOON, "the leave at a", () -> a.cluster().events("room").size() == 2);
        assertEquals(TopicEvent.Kind.LEAVE, a.cluster().events("room").get(1).kind());
        assertEquals("", redis.command("KEYS", nodes.prefix() + ":memberships:*"));
    }

    @Test
    void aJoinForAGoneNodeIsIgnored() throws Exception {
        Node a = nodes.join();
        a.backplane().publish(TopicEvent.join("room", "ghost", 9999, json("{}")));
        a.backplane().publish(TopicEvent.broadcast("room", null, json("1"), 0));
        Wait.await(SOON, "the broadcast", () -> a.cluster().events("room").size() == 1);
        assertEquals(
                TopicEvent.Kind.BROADCAST, a.cluster().events("room").get(0).kind());
        assertNull(a.backplane().snapshot().get(10, TimeUnit.SECONDS).topics().get("room"));
    }

    /** A node's topic events as comparable text. */
    private static List<String> order(Node node) {
        return node.cluster().events(e -> true).stream()
                .map(e -> e.topic() + "#" + e.seq() + ":" + new String(e.payload(), StandardCharsets.UTF_8))
                .toList();
    }
}
