package dev.pagewire.e2e.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.EchoApp;
import dev.pagewire.netty.testing.FaultyRelay;
import dev.pagewire.netty.testing.Haproxy;
import dev.pagewire.netty.testing.NodeProcess;
import dev.pagewire.redis.testing.RedisServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a cluster does when a node or Redis fails, with real processes (docs/CLUSTER.md, "What
 * survives what"): a killed node's pages expire and render anew on a live node within a bounded
 * time; a stopped node drains and hands its tabs over; a restarted Redis loses nothing a page sent
 * or was sent. Each test has a cluster of its own: Redis, two nodes, haproxy round-robin.
 */
class ClusterFaultsTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    /** The nodes' lease (ClusterTestNode's default): a killed node is seen gone within it and about 1 s. */
    private static final Duration LEASE = Duration.ofSeconds(2);

    private RedisServer redis;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private Haproxy haproxy;

    private FaultyRelay redisRelay;

    private void startCluster(int size) {
        startCluster(size, false);
    }

    /** A cluster; with {@code throughRelay} the nodes reach Redis through a {@link FaultyRelay}. */
    private void startCluster(int size, boolean throughRelay) {
        redis = RedisServer.start();
        String uri = redis.uri();
        if (throughRelay) {
            URI direct = URI.create(uri);
            try {
                redisRelay = FaultyRelay.start(new InetSocketAddress(direct.getHost(), direct.getPort()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            uri = "redis://127.0.0.1:" + redisRelay.port();
        }
        for (int i = 0; i < size; i++) {
            // Through the relay, Redis is cut off and stalled on purpose: a lease longer than those
            // outages (6 s, the default), or a node would rightly be evicted and its page reload.
            nodes.add(
                    throughRelay
                            ? NodeProcess.start(ClusterTestNode.class, uri, "3000", "6000")
                            : NodeProcess.start(ClusterTestNode.class, uri));
        }
        haproxy = Haproxy.start(nodes.stream().map(NodeProcess::address).toList(), Haproxy.Timeouts.DEFAULT);
    }

    @AfterEach
    void stopCluster() {
        if (haproxy != null) {
            haproxy.close();
        }
        nodes.forEach(NodeProcess::close);
        if (redisRelay != null) {
            redisRelay.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** What the tabs said (console) and where they went, for the failure message. */
    private final List<String> browserLog = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Page openPage(String transport) {
        Page page = chromium.newContext().newPage();
        page.onConsoleMessage(m -> browserLog.add(m.type() + ": " + m.text()));
        page.onFrameNavigated(f -> browserLog.add("navigated: " + f.url()));
        page.addInitScript("""
            addEventListener('DOMContentLoaded', () => window.pagewire && pagewire.on('state',
                (s) => console.log('state ' + JSON.stringify(s))));
            """);
        page.navigate(haproxy.uri()
                .resolve(EchoApp.PATH + "?pagewire-transport=" + transport)
                .toString());
        page.waitForFunction("() => window.pagewire && pagewire.state === 'connected'");
        return page;
    }

    /** The node that owns a page: the first 4 bytes of its id (docs/CLUSTER.md). */
    private NodeProcess owner(String pageId) {
        int node = ByteBuffer.wrap(Base64.getUrlDecoder().decode(pageId)).getInt();
        return nodes.stream()
                .filter(n -> n.node() == node)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no node " + node + " among " + nodes));
    }

    private static String pageId(Page page) {
        return (String) page.evaluate("() => pagewire.pageId");
    }

    /** Waits until the tab shows a new page (it reloaded) that is connected; its id. */
    private String awaitNewPage(Page page, String oldId, Duration within) {
        try {
            page.waitForFunction(
                    "(old) => window.pagewire && pagewire.state === 'connected' && pagewire.pageId !== old",
                    oldId,
                    new Page.WaitForFunctionOptions().setTimeout(within.toMillis()));
        } catch (com.microsoft.playwright.PlaywrightException e) {
            StringBuilder why = new StringBuilder("no new connected page within " + within + "; the tab:\n");
            browserLog.forEach(line -> why.append("  ").append(line).append('\n'));
            for (NodeProcess n : nodes) {
                why.append("---- ")
                        .append(n)
                        .append(n.isAlive() ? "" : " (ended)")
                        .append(":\n")
                        .append(n.tail());
            }
            throw new AssertionError(why.toString(), e);
        }
        return pageId(page);
    }

    @Test
    void aKilledNodesPagesRenderAnewOnALiveNodeWithinTheLease() {
        startCluster(2);
        Page page = openPage("websocket");
        String before = pageId(page);
        NodeProcess owner = owner(before);
        long killed = System.nanoTime();
        owner.kill();
        String after = awaitNewPage(page, before, LEASE.plus(Duration.ofSeconds(25)));
        long seconds = (System.nanoTime() - killed) / 1_000_000_000;
        assertNotEquals(owner.node(), owner(after).node(), "rendered anew on the live node");
        assertTrue(owner(after).isAlive());
        System.out.println("a killed node's page rendered anew after " + seconds + " s");
    }

    @Test
    void aStoppedNodeDrainsAndItsTabsMoveToTheOthers() {
        startCluster(2);
        Page page = openPage("websocket");
        String before = pageId(page);
        NodeProcess owner = owner(before);
        owner.terminate();
        String after = awaitNewPage(page, before, Duration.ofSeconds(30));
        assertNotEquals(owner.node(), owner(after).node(), "no new page on a draining node");
        owner.awaitExit(Duration.ofSeconds(30));
        assertTrue(owner.log().contains("draining"), owner.tail());
        page.evaluate("() => pagewire.page.emit('echo', {after: 'drain'})");
        page.waitForFunction("() => got.some(([name, d]) => name === 'echoed' && d.after === 'drain')");
    }

    @Test
    void aRedisCutOffAndSlowedMidTrafficLosesNothingAPageSendsOrIsSent() {
        startCluster(2, true);
        Page page = openPage("longpolling"); // every poll and POST may need the other node
        String id = pageId(page);
        page.evaluate("() => pagewire.page.emit('stream', {count: 400, every: 10, pauseMillis: 10})");
        page.evaluate("() => { let i = 0; const t = setInterval(() => { if (i < 200) pagewire.page.emit('up', ++i);"
                + " else clearInterval(t); }, 10); }");
        awaitDowns(page, 50);
        redisRelay.cutAll(); // every node loses Redis at once, mid-traffic
        awaitDowns(page, 150);
        redisRelay.stall(Duration.ofMillis(1500)); // then Redis is slow to answer
        awaitDowns(page, 250);
        redisRelay.cutAll();

        assertEverythingArrived(page, 400, 200);
        assertEquals(id, pageId(page), "the same page throughout");
        for (NodeProcess n : nodes) {
            assertTrue(n.isAlive(), n.tail());
        }
    }

    @Test
    void aRestartedRedisLosesNothingAPageSendsOrIsSent() {
        startCluster(2);
        Page page = openPage("websocket");
        String id = pageId(page);
        page.evaluate("() => { for (let i = 1; i <= 100; i++) pagewire.page.emit('up', i); }");
        page.evaluate("() => pagewire.page.emit('stream', {count: 400, every: 10, pauseMillis: 10})");
        redis.restart();
        page.evaluate("() => { for (let i = 101; i <= 200; i++) pagewire.page.emit('up', i); }");
        assertEverythingArrived(page, 400, 200);
        assertEquals(id, pageId(page), "the same page throughout");
    }
    /**
     * Waits until the tab has received {@code n} of the stream's events. A fault may cost the page a
     * reconnect whose back-off grows to 10 s (the client's default), more than Playwright's default
     * wait: so the same minute as {@link #assertEverythingArrived} allows.
     */
    private static void awaitDowns(Page page, int n) {
        page.waitForFunction(
                "(n) => got.filter(([name]) => name === 'n').length >= n",
                n,
                new Page.WaitForFunctionOptions().setTimeout(60_000));
    }

    /**
     * Waits until the tab has the {@code n} events 1..{@code downs} in order and its page object says
     * it received the {@code ups} events 1..{@code ups} in order (EchoApp's call 'ups').
     */
    private static void assertEverythingArrived(Page page, int downs, int ups) {
        page.waitForFunction(
                "(n) => got.filter(([name]) => name === 'n').length >= n",
                downs,
                new Page.WaitForFunctionOptions().setTimeout(60_000));
        @SuppressWarnings("unchecked")
        List<Object> numbers =
                (List<Object>) page.evaluate("() => got.filter(([name]) => name === 'n').map(([, d]) => d)");
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= downs; i++) {
            expected.add(i);
        }
        assertEquals(
                expected, numbers.stream().map(n -> ((Number) n).intValue()).toList(), "server to page");
        assertEquals(
                Map.of("count", ups, "inOrder", true),
                EchoApp.awaitUps(page, ups, Duration.ofSeconds(60)),
                "page to server");
    }
}
