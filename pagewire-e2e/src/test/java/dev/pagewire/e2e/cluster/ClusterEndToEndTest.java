package dev.pagewire.e2e.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.EchoApp;
import dev.pagewire.netty.testing.Haproxy;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three nodes, each in its own process, on one Redis, behind haproxy balancing round-robin with no
 * stickiness ({@link SharedCluster}): a page rendered by one node keeps its channel — events both ways, in order, nothing
 * lost or doubled, the page object's own state — while its WebSocket, its SSE stream, its POSTs and
 * each of its long-polls land on whichever node the balancer picks (docs/CLUSTER.md).
 */
class ClusterEndToEndTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private static final int EVENTS = 300;
    private static final Pattern SERVER = Pattern.compile(" application/(application\\d*) .*\"[A-Z]+ /t\\?pagewire=");

    private static Haproxy haproxy;

    @BeforeAll
    static void startCluster() {
        haproxy = SharedCluster.get().haproxy();
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "sse", "longpolling"})
    void aPageKeepsItsChannelWhileItsRequestsLandOnEveryNode(String transport) throws IOException {
        Page page = chromium.newContext().newPage();
        page.navigate(haproxy.uri()
                .resolve(EchoApp.PATH + "?pagewire-transport=" + transport)
                .toString());
        page.waitForFunction("() => window.pagewire && pagewire.state === 'connected'");
        assertEquals(transport, page.evaluate("() => pagewire.transport"));
        String pageId = (String) page.evaluate("() => pagewire.pageId");

        page.evaluate("() => pagewire.page.emit('echo', {hello: 'cluster'})");
        page.waitForFunction("() => got.some(([name]) => name === 'echoed')");
        page.evaluate("(n) => pagewire.page.emit('stream', n)", EVENTS);
        page.evaluate("(n) => { for (let i = 1; i <= n; i++) pagewire.page.emit('up', i); }", EVENTS);
        page.waitForFunction("(n) => got.filter(([name]) => name === 'n').length >= n", EVENTS);
        @SuppressWarnings("unchecked")
        List<Object> numbers =
                (List<Object>) page.evaluate("() => got.filter(([name]) => name === 'n').map(([, d]) => d)");
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= EVENTS; i++) {
            expected.add(i);
        }
        assertEquals(
                expected, numbers.stream().map(n -> ((Number) n).intValue()).toList(), "server to browser");
        assertEquals(
                Map.of("count", EVENTS, "inOrder", true),
                EchoApp.awaitUps(page, EVENTS, java.time.Duration.ofSeconds(30)),
                "browser to server");
        assertEquals(pageId, page.evaluate("() => pagewire.pageId"), "one page object throughout");

        if (!transport.equals("websocket")) {
            // One WebSocket lands on one node; the fallbacks' many requests are spread by the balancer.
            Set<String> servers = channelServers(pageId);
            assertTrue(
                    servers.size() >= 2,
                    "the page's channel requests reached " + servers + " (haproxy log):\n" + haproxyLog());
        }
    }

    /** The backend servers that haproxy sent this page's channel requests ({@code /t?pagewire=…}) to. */
    private static Set<String> channelServers(String pageId) throws IOException {
        Set<String> servers = new TreeSet<>();
        for (String line : Files.readAllLines(haproxy.output())) {
            Matcher m = SERVER.matcher(line);
            if (line.contains("v1." + pageId + ".") && m.find()) {
                servers.add(m.group(1));
            }
        }
        return servers;
    }

    private static String haproxyLog() throws IOException {
        String log = Files.readString(haproxy.output());
        return log.length() > 4_000 ? "…" + log.substring(log.length() - 4_000) : log;
    }
}
