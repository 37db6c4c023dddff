package dev.pagewire.redis;

import static dev.pagewire.redis.RedisBackplaneTest.SOON;
import static dev.pagewire.redis.RedisBackplaneTest.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.backplane.Backplane.NodeState;
import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.backplane.TopicSnapshot;
import dev.pagewire.netty.testing.FaultyRelay;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.redis.Nodes.Node;
import dev.pagewire.redis.RecordingCluster.LinkLost;
import dev.pagewire.redis.RecordingCluster.Topics;
import dev.pagewire.redis.testing.RedisServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What nodes do when Redis goes away and comes back: each test has a Redis of its own. */
class RedisOutageTest {

    RedisServer redis;
    Nodes nodes;

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start();
        nodes = new Nodes(redis);
    }

    @AfterEach
    void stopRedis() {
        try {
            if (nodes != null) {
                nodes.close();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void afterRedisRestartsEmptyNodesKeepTheirNumbersAndSecret() {
        Node a = nodes.join();
        Node b = nodes.join();
        byte[] secret = a.backplane().sharedSecret();
        a.backplane().publish(TopicEvent.join("room", "m1", a.number(), json("{}")));
        Wait.await(SOON, "the join at b", () -> b.cluster().events("room").size() == 1);

        redis.restart();

        for (Node[] pair : new Node[][] {{a, b}, {b, a}}) {
            Node n = pair[0];
            Wait.await(
                    SOON,
                    "node " + n.number() + " to lose its link to " + pair[1].number(),
                    () -> n.cluster().calls(LinkLost.class).contains(new LinkLost(pair[1].number())));
            Wait.await(
                    SOON,
                    "node " + n.number() + " to get a snapshot after the outage",
                    () -> n.cluster().calls(Topics.class).stream().anyMatch(Topics::afterOutage));
            assertEquals(n.number(), n.backplane().engine().node(), "the same number");
            assertArrayEquals(secret, n.backplane().sharedSecret());
            TopicSnapshot after = n.cluster().lastTopics().snapshot();
            assertNull(after.topics().get("room"), "Redis lost the member; core publishes it again");
            assertEquals(List.of(), n.cluster().violations());
        }
        Wait.await(SOON, "a to see b alive", () -> a.backplane().state(b.number()) == NodeState.ALIVE);
        b.backplane().send(a.number(), new byte[] {7});
        Wait.await(
                SOON,
                "a message after the restart",
                () -> a.cluster().calls(RecordingCluster.Received.class).stream()
                        .anyMatch(r -> r.from() == b.number()));

        Node c = nodes.join();
        assertTrue(c.number() > Math.max(a.number(), b.number()), "a number no node had: " + c.number());
        assertArrayEquals(secret, c.backplane().sharedSecret(), "the secret survived in the nodes");
        assertEquals(0, a.cluster().calls(RecordingCluster.NodeGone.class).size(), "no node was taken for gone");
        assertEquals(0, a.cluster().calls(RecordingCluster.Evicted.class).size());
    }

    @Test
    void aBrokenConnectionLosesLinksThenGivesAFreshSnapshot() throws Exception {
        try (FaultyRelay relay = FaultyRelay.start(redis.address())) {
            Node a = nodes.join(RedisBackplane.builder("redis://127.0.0.1:" + relay.port())
                    .prefix(nodes.prefix())
                    .leaseTimeout(Nodes.LEASE)
                    .refreshInterval(Nodes.REFRESH)
                    .reconnectDelay(Duration.ofMillis(200)));
            Node b = nodes.join();
            b.backplane().publish(TopicEvent.join("room", "mb", b.number(), json("{}")));
            Wait.await(SOON, "the join at a", () -> a.cluster().events("room").size() == 1);

            relay.cutAll();

            Wait.await(
                    SOON,
                    "a to lose its link to b",
                    () -> a.cluster().calls(LinkLost.class).contains(new LinkLost(b.number())));
            Wait.await(
                    SOON,
                    "a snapshot after the outage",
                    () -> a.cluster().calls(Topics.class).stream().anyMatch(Topics::afterOutage));
            TopicSnapshot.Topic room =
                    a.cluster().lastTopics().snapshot().topics().get("room");
            assertEquals(
                    List.of("mb"),
                    room.members().stream().map(TopicSnapshot.Member::id).toList());
            assertEquals(a.number(), a.backplane().engine().node(), "the same number");
            assertEquals(NodeState.ALIVE, b.backplane().state(a.number()), "a was never gone");

            b.backplane().publish(TopicEvent.broadcast("room", null, json("\"after\""), 0));
            Wait.await(
                    SOON,
                    "the broadcast at a",
                    () -> a.cluster().events("room").stream().anyMatch(e -> e.kind() == TopicEvent.Kind.BROADCAST));
            b.backplane().send(a.number(), new byte[] {1});
            Wait.await(
                    SOON,
                    "a message at a",
                    () -> !a.cluster().calls(RecordingCluster.Received.class).isEmpty());
            assertEquals(List.of(), a.cluster().violations());
            nodes.close(); // while the relay still carries a's leave
        }
    }

    @Test
    void aMessageToANodeThatIsReconnectingIsReportedLostByItsSender() throws Exception {
        try (FaultyRelay relay = FaultyRelay.start(redis.address())) {
            Node a = nodes.join(RedisBackplane.builder("redis://127.0.0.1:" + relay.port())
                    .prefix(nodes.prefix())
                    .leaseTimeout(Duration.ofSeconds(30)) // a stays a member while it is away
                    .refreshInterval(Nodes.REFRESH)
                    .reconnectDelay(Duration.ofMillis(200)));
            Node b = nodes.join();
            Wait.await(SOON, "b to see a", () -> b.backplane().state(a.number()) == NodeState.ALIVE);

            relay.refuse(true); // a cannot come back: nothing subscribes to its channel meanwhile
            relay.cutAll();
            // a is away once none of its connections is left (its own notice of the outage may come
            // later: it is not what this test is about).
            Wait.await(SOON, "a's connections cut", () -> relay.openConnections() == 0);
            // b's own connection is fine, so only the answer to its PUBLISH (no one received it)
            // says that its message went nowhere; the message may have been the last one, so that
            // a, when it is back, could not tell from a gap in the numbers either.
            b.backplane().send(a.number(), new byte[] {1});
            Wait.await(
                    SOON,
                    "b to hear that its message to a was lost",
                    () -> b.cluster().calls(LinkLost.class).contains(new LinkLost(a.number())));
            for (int i = 0; i < 20; i++) {
                b.backplane().send(a.number(), new byte[] {2});
            }
            relay.refuse(false);
            Wait.await(SOON, "a message after a is back", () -> {
                b.backplane().send(a.number(), new byte[] {3});
                return a.cluster().calls(RecordingCluster.Received.class).stream()
                        .anyMatch(r -> r.message()[0] == 3);
            });
            long reports = b.cluster().calls(LinkLost.class).stream()
                    .filter(l -> l.node() == a.number())
                    .count();
            assertTrue(reports <= 10, "reports are spaced, not one per lost message: " + reports);
            assertEquals(List.of(), b.cluster().violations());
            nodes.close(); // while the relay still carries a's leave
        }
    }

    @Test
    void messagesPastTheSendBufferAreDroppedWhileRedisStallsAndTheRestArriveInOrder() throws Exception {
        int buffer = 64 * 1024;
        int size = 1024;
        try (FaultyRelay relay = FaultyRelay.start(redis.address())) {
            Node a = nodes.join(RedisBackplane.builder("redis://127.0.0.1:" + relay.port())
                    .prefix(nodes.prefix())
                    .leaseTimeout(Nodes.LEASE)
                    .refreshInterval(Nodes.REFRESH)
                    .commandTimeout(Duration.ofSeconds(30)) // what waits stays queued
                    .sendBufferBytes(buffer));
            Node b = nodes.join();

            relay.stall(); // Redis stops answering a, without closing anything
            for (int i = 0; i < 1000; i++) {
                a.backplane()
                        .send(b.number(), ByteBuffer.allocate(size).putInt(i).array());
            }
            relay.resume();
            // A read on the same connection answers once Redis reads again: what was sent is done.
            Wait.await(SOON, "Redis to answer a again", () -> answers(a.backplane()));
            // The gathered messages may still be on their way (their PUBLISH leaves when the one
            // before it is answered, off Redis's connection), holding the buffer: a message sent
            // meanwhile is dropped like those in the stall. So the one after the stall is sent
            // again until one gets through.
            Wait.await(SOON, "a message after the stall", () -> {
                boolean arrived = b.cluster().calls(RecordingCluster.Received.class).stream()
                        .anyMatch(r -> ByteBuffer.wrap(r.message()).getInt() == -1);
                if (!arrived) {
                    a.backplane()
                            .send(
                                    b.number(),
                                    ByteBuffer.allocate(size).putInt(-1).array());
                }
                return arrived;
            });
            List<Integer> got = b.cluster().calls(RecordingCluster.Received.class).stream()
                    .map(r -> ByteBuffer.wrap(r.message()).getInt())
                    .filter(i -> i >= 0)
                    .toList();
            assertTrue(
                    !got.isEmpty() && got.size() <= buffer / size,
                    "at most the send buffer's worth got through: " + got.size());
            for (int i = 0; i < got.size(); i++) {
                assertEquals(i, got.get(i), "the first ones, in order");
            }
            nodes.close(); // while the relay still carries a's leave
        }
    }

    @Test
    void joinFailsInBoundedTimeWhenRedisDoesNotAnswer() throws Exception {
        try (FaultyRelay relay = FaultyRelay.start(redis.address())) {
            relay.stall(); // connections open, nothing comes back
            String uri = "redis://127.0.0.1:" + relay.port();
            RedisBackplane backplane = RedisBackplane.builder(uri)
                    .prefix(nodes.prefix())
                    .connectTimeout(Duration.ofSeconds(1))
                    .commandTimeout(Duration.ofSeconds(1))
                    .build();
            long start = System.nanoTime();
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> backplane.join(new RecordingCluster()));
            long took = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e.getMessage().contains(uri), e.getMessage());
            assertTrue(took < 8_000, "gave up after " + took + " ms");
            backplane.close();
            relay.resume();
        }
    }

    private static boolean answers(RedisBackplane backplane) {
        try {
            backplane.snapshot().get(5, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
