package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.DashboardAccess;
import dev.pagewire.Settings;
import dev.pagewire.internal.dashboard.Dashboard;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.testing.FakeConnection;
import dev.pagewire.testing.TestCluster;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's data path across a cluster: a dashboard rendered by one node hears every node's
 * snapshot once a second over the dashboard topic, and the snapshots say what each node is doing.
 * (Who may render it is tested over HTTP, in the Netty module; the page itself in Chromium.)
 */
class DashboardTest {

    private static final DashboardAccess LOCAL = DashboardAccess.from("127.0.0.1");

    private final TestCluster cluster = new TestCluster();
    private App a;
    private App b;

    @BeforeEach
    void start() {
        a = node();
        b = node();
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        cluster.close();
    }

    private App node() {
        App app = new App(Settings.defaults(), cluster.newNode());
        app.page("/room", (request, page) -> {
            page.join("room");
            return "<p>room</p>";
        });
        app.dashboard("/admin/pagewire", LOCAL);
        return app;
    }

    /** The dashboard page's snapshots, the latest of each node, as its connection receives them. */
    private static final class Watcher {
        private final FakeConnection c;
        private final Map<Integer, JsonNode> latest = new ConcurrentHashMap<>();

        Watcher(App app) {
            c = Tab.open(app, "/admin/pagewire").connect();
        }

        /** Reads frames until a snapshot of {@code node} matches {@code condition}; fails after the frame wait. */
        JsonNode await(int node, Predicate<JsonNode> condition) {
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (System.nanoTime() < deadline) {
                JsonNode frame = parse(c.nextText());
                if (frame.get(0).asText().equals("ev") && frame.get(1).asText().equals("stats")) {
                    JsonNode s = frame.get(2);
                    latest.put(s.get("node").asInt(), s);
                    if (s.get("node").asInt() == node && condition.test(s)) {
                        return s;
                    }
                }
            }
            throw new AssertionError("no snapshot of node " + node + " as expected; latest: " + latest);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(text, e);
        }
    }

    @Test
    void aDashboardOnOneNodeSeesEveryNode() {
        Watcher watcher = new Watcher(a);
        JsonNode ofA = watcher.await(a.node(), s -> s.get("pages").asInt() >= 1);
        JsonNode ofB = watcher.await(b.node(), s -> true);
        assertEquals("ready", ofA.get("health").asText());
        assertEquals("ready", ofB.get("health").asText());
        assertFalse(ofA.get("topics").has(Dashboard.TOPIC), "the dashboard's own topic is not listed");
    }

    @Test
    void snapshotsSayWhatANodeIsDoing() {
        Watcher watcher = new Watcher(a);
        Tab room = Tab.open(b, "/room");
        room.connect(new FakeConnection("websocket"));
        watcher.await(
                b.node(),
                s -> s.get("connections").get("websocket").asInt() == 1
                        && s.get("topics").path("room").asInt() == 1);

        assertInstanceOf(Attachment.Refused.class, b.attach("/room", "not-a-token", null, new FakeConnection()));
        JsonNode s = watcher.await(b.node(), n -> n.get("recentCloses").size() > 0);
        JsonNode close = s.get("recentCloses").get(s.get("recentCloses").size() - 1);
        assertEquals(CloseCodes.BAD_TOKEN, close.get("code").asInt());
        assertEquals("invalid page token", close.get("reason").asText());
        assertEquals("/room", close.get("path").asText());
        assertTrue(s.get("closes").get(Integer.toString(CloseCodes.BAD_TOKEN)).asLong() >= 1);
        assertFalse(s.toString().contains("not-a-token"), "never what the client sent");

        room.page().emit("hello", "x");
        long before = s.get("eventsOut").asLong();
        watcher.await(b.node(), n -> n.get("eventsOut").asLong() > before);
    }

    @Test
    void oneDashboardPerApplication() {
        assertThrows(IllegalStateException.class, () -> a.dashboard("/other", LOCAL));
        assertThrows(IllegalArgumentException.class, () -> b.page("/admin/pagewire", (r, p) -> ""));
    }
}
