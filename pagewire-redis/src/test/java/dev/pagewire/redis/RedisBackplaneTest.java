package dev.pagewire.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.backplane.Backplane.NodeState;
import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.redis.Nodes.Node;
import dev.pagewire.redis.testing.RedisServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link dev.pagewire.backplane.Backplane} contract, on a real Redis: two or three backplanes in
 * this JVM, each delivering to its own {@link RecordingCluster}. Topic behaviour has its own
 * {@link RedisTopicsTest}; outages have {@link RedisOutageTest}.
 */
class RedisBackplaneTest {

    static final Duration SOON = Duration.ofSeconds(10);

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
    void nodesGetDistinctNumbersAndShareOneSecret() {
        Node a = nodes.join();
        Node b = nodes.join();
        Node c = nodes.join();

        assertEquals(3, Set.of(a.number(), b.number(), c.number()).size());
        assertTrue(a.number() >= 1 && b.number() >= 1 && c.number() >= 1);
        assertEquals(32, a.backplane().sharedSecret().length);
        assertArrayEquals(a.backplane().sharedSecret(), b.backplane().sharedSecret());
        assertArrayEquals(a.backplane().sharedSecret(), c.backplane().sharedSecret());
        Wait.await(
                SOON,
                "a to see b and c alive",
                () -> a.backplane().state(b.number()) == NodeState.ALIVE
                        && a.backplane().state(c.number()) == NodeState.ALIVE);
        assertEquals(NodeState.ALIVE, a.backplane().state(a.number()));
        assertEquals(NodeState.GONE, a.backplane().state(9999), "a number never seen");
        for (int i = 0; i < 20; i++) {
            int other = a.backplane().anotherLiveNode();
            assertTrue(other == b.number() || other == c.number(), "another live node: " + other);
        }
    }

    @Test
    void tenThousandMessagesArriveInOrderWithTheirSender() {
        Node a = nodes.join();
        Node b = nodes.join();
        Node c = nodes.join();
        int count = 10_000;

        Thread fromC = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < count; i++) {
                c.backplane().send(b.number(), ByteBuffer.allocate(4).putInt(i).array());
            }
        });
        for (int i = 0; i < count; i++) {
            a.backplane().send(b.number(), ByteBuffer.allocate(4).putInt(i).array());
        }

        Wait.await(
                SOON,
                "b to receive 2 x " + count + " messages",
                () -> b.cluster().calls(RecordingCluster.Received.class).size() == 2 * count);
        for (Node sender : List.of(a, c)) {
            List<Integer> got = b.cluster().calls(RecordingCluster.Received.class).stream()
                    .filter(r -> r.from() == sender.number())
                    .map(r -> ByteBuffer.wrap(r.message()).getInt())
                    .toList();
            assertEquals(count, got.size());
            for (int i = 0; i < count; i++) {
                if (got.get(i) != i) {
                    throw new AssertionError("from node " + sender.number() + ", message " + i + " was " + got.get(i));
                }
            }
        }
        assertTrue(a.cluster().calls(RecordingCluster.Received.class).isEmpty(), "a received nothing");
        joinQuietly(fromC);
    }

    @Test
    void aDrainingNodeIsSeenDrainingAndGetsNoNewPages() {
        Node a = nodes.join();
        Node b = nodes.join();
        Wait.await(SOON, "a to see b alive", () -> a.backplane().anotherLiveNode() == b.number());

        b.backplane().drain();

        Wait.await(SOON, "a to see b draining", () -> a.backplane().state(b.number()) == NodeState.DRAINING);
        assertEquals(NodeState.DRAINING, b.backplane().state(b.number()));
        assertEquals(0, a.backplane().anotherLiveNode());
        // A node that joins later reads it from b's lease.
        Node c = nodes.join();
        assertEquals(NodeState.DRAINING, c.backplane().state(b.number()));
    }

    @Test
    void aClosedNodeIsGoneAtOnce() {
        Node a = nodes.join();
        Node b = nodes.join();
        Wait.await(SOON, "a to see b alive", () -> a.backplane().state(b.number()) == NodeState.ALIVE);

        long start = System.nanoTime();
        b.backplane().close();

        Wait.await(Duration.ofSeconds(2), "a to see b gone", () -> a.backplane().state(b.number()) == NodeState.GONE);
        long took = (System.nanoTime() - start) / 1_000_000;
        assertTrue(took < Nodes.LEASE.toMillis() / 2, "gone after " + took + " ms, long before the lease ends");
        Wait.await(
                SOON,
                "a to be told once",
                () -> a.cluster().calls(RecordingCluster.NodeGone.class).size() == 1);
        assertEquals(
                b.number(),
                a.cluster().calls(RecordingCluster.NodeGone.class).get(0).node());
        assertEquals(NodeState.GONE, b.backplane().state(a.number()), "a closed node knows nothing");
        b.backplane().close(); // idempotent
    }

    @Test
    void aSilentNodeIsGoneWhenItsLeaseEndsAndItsMembersLeaveOnce() {
        Duration lease = Duration.ofMillis(1500);
        Node a = nodes.join();
        Node b = nodes.join(lease);
        Node c = nodes.join();
        b.backplane().publish(TopicEvent.join("room", "page-b", b.number(), json("{}")));
        a.backplane().publish(TopicEvent.join("room", "page-a", a.number(), json("{}")));
        Wait.await(
                SOON,
                "both joins everywhere",
                () -> c.cluster().events("room").size() == 2
                        && a.cluster().events("room").size() == 2);

        Wait.await(
                SOON,
                "a and c to see b alive",
                () -> a.backplane().state(b.number()) == NodeState.ALIVE
                        && c.backplane().state(b.number()) == NodeState.ALIVE);
        long start = System.nanoTime();
        b.backplane().engine().pauseLease(true);

        Wait.await(
                SOON,
                "a and c to see b gone",
                () -> a.backplane().state(b.number()) == NodeState.GONE
                        && c.backplane().state(b.number()) == NodeState.GONE);
        long took = (System.nanoTime() - start) / 1_000_000;
        long bound = lease.plus(Nodes.REFRESH).toMillis() + 1500; // slack for a loaded machine
        assertTrue(took <= bound, "gone after " + took + " ms; lease + refresh + slack is " + bound + " ms");
        Wait.await(
                SOON,
                "a and c to be told",
                () -> a.cluster().calls(RecordingCluster.NodeGone.class).size() == 1
                        && c.cluster().calls(RecordingCluster.NodeGone.class).size() == 1);
        // Both reaped; a marker from each, published after its reap, bounds the leaves.
        a.backplane().publish(TopicEvent.broadcast("room", null, json("\"from a\""), 0));
        c.backplane().publish(TopicEvent.broadcast("room", null, json("\"from c\""), 0));
        for (Node n : List.of(a, c)) {
            Wait.await(
                    SOON,
                    "both markers at node " + n.number(),
                    () -> n.cluster()
                                    .events(e -> e.kind() == TopicEvent.Kind.BROADCAST)
                                    .size()
                            == 2);
            List<TopicEvent> leaves = n.cluster().events(e -> e.kind() == TopicEvent.Kind.LEAVE);
            assertEquals(1, leaves.size(), "leaves at node " + n.number() + ": " + leaves);
            assertEquals("page-b", leaves.get(0).member());
        }
        assertEquals(List.of(), a.cluster().violations());
    }

    @Test
    void anEvictedNodeJoinsAgainUnderANewNumberAndSaysSo() {
        Duration lease = Duration.ofMillis(1500);
        Node a = nodes.join();
        Node b = nodes.join(lease);
        Wait.await(SOON, "a to see b alive", () -> a.backplane().state(b.number()) == NodeState.ALIVE);
        b.backplane().engine().pauseLease(true);
        Wait.await(SOON, "a to see b gone", () -> a.backplane().state(b.number()) == NodeState.GONE);

        b.backplane().engine().pauseLease(false);

        Wait.await(
                SOON,
                "b to be evicted",
                () -> !b.cluster().calls(RecordingCluster.Evicted.class).isEmpty());
        int fresh = b.cluster().calls(RecordingCluster.Evicted.class).get(0).newNode();
        assertNotEquals(b.number(), fresh);
        assertTrue(fresh > Math.max(a.number(), b.number()), "a number never used: " + fresh);
        Wait.await(SOON, "a snapshot after the eviction", () -> afterEvicted(b.cluster()));
        Wait.await(SOON, "a to see b's new number alive", () -> a.backplane().state(fresh) == NodeState.ALIVE);
        assertEquals(NodeState.GONE, a.backplane().state(b.number()), "the old number stays gone");
        // Messages flow under the new number.
        b.backplane().send(a.number(), new byte[] {42});
        Wait.await(
                SOON,
                "a to receive from " + fresh,
                () -> a.cluster().calls(RecordingCluster.Received.class).stream()
                        .anyMatch(r -> r.from() == fresh));
        assertEquals(List.of(), b.cluster().violations());
    }

    @Test
    void joinFailsWithTheUriWhenRedisCannotBeReached() {
        int port = dev.pagewire.netty.testing.FreePorts.pick();
        String uri = "redis://127.0.0.1:" + port;
        RedisBackplane backplane = RedisBackplane.builder(uri)
                .connectTimeout(Duration.ofSeconds(1))
                .build();
        long start = System.nanoTime();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> backplane.join(new RecordingCluster()));
        assertTrue(e.getMessage().contains(uri), e.getMessage());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000, "bounded");
        backplane.close();
    }

    /** Evicted, then a snapshot after an outage, in that order. */
    static boolean afterEvicted(RecordingCluster cluster) {
        List<RecordingCluster.Call> calls = cluster.calls();
        List<String> kinds = new ArrayList<>();
        for (RecordingCluster.Call call : calls) {
            if (call instanceof RecordingCluster.Evicted) {
                kinds.add("evicted");
            } else if (call instanceof RecordingCluster.Topics t && t.afterOutage()) {
                kinds.add("topics");
            }
        }
        String joined = kinds.stream().collect(Collectors.joining(","));
        return joined.contains("evicted,topics");
    }

    static byte[] json(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(SOON.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
