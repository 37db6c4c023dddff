package dev.pagewire.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.bench.pageload.Row;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.Unavailable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole bench at smoke size — every scenario, every server (Pagewire on its own server, on
 * Tomcat and on Jetty, Socket.IO, raw Netty), in their own processes, the cluster scenario with
 * three nodes of Pagewire and of Socket.IO on Redis behind haproxy, and one page view in Chromium
 * for two of the page-load rows ({@link Measurer#SMOKE_PAGELOAD_ROWS}) — so that it cannot rot.
 * Each server (and each cluster) is started once for all of its peer's cases ({@link Plan#steps});
 * churn runs over two load generators in step, as in the full bench ({@link SplitLoad}).
 * Asserts only that every case produced figures and that the report and its charts were written;
 * never how fast anything was.
 */
class BenchSmokeTest {

    private static final Path OUT = Path.of("target/bench-smoke/BENCHMARKS.md");

    @Test
    void everyScenarioProducesFiguresForEveryServer() throws Exception {
        Path socketio = Path.of("socketio");
        String missing = SocketIoInstall.ensure(socketio);
        Unavailable unavailable = missing == null
                ? null
                : new Unavailable("Socket.IO for the bench: " + missing + " (CI installs Node in .ci/run)", null);
        if (unavailable != null) {
            unavailable.report("bench");
            if (Unavailable.onCi()) {
                unavailable.skipOrFail();
            }
        }
        String tools = ClusterRun.missingTools();
        Unavailable noCluster = tools == null
                ? null
                : new Unavailable("the bench's cluster scenario: " + tools + " (CI installs them in .ci/run)", null);
        if (noCluster != null) {
            noCluster.report("bench");
            if (Unavailable.onCi()) {
                noCluster.skipOrFail();
            }
        }
        String chromium = new Chromium().executable().toString();
        Unavailable noChromium = Files.isExecutable(Path.of(chromium))
                ? null
                : new Unavailable(
                        "Chromium for the bench's pageload scenario, at " + chromium
                                + " (CI installs the Debian package chromium in .ci/run)",
                        null);
        if (noChromium != null) {
            noChromium.report("bench");
            if (Unavailable.onCi()) {
                noChromium.skipOrFail();
            }
        }
        List<String> args = new ArrayList<>(
                List.of("--smoke", "--out", OUT.toString(), "--socketio", socketio.toString(), "--chromium", chromium));
        if (unavailable != null) {
            args.addAll(List.of("--peers", BenchOptions.PEERS_WITHOUT_NODE));
        }
        List<String> scenarios = new ArrayList<>(
                Arrays.stream(Scenario.values()).map(Scenario::flag).toList());
        if (noCluster != null) {
            scenarios.remove(Scenario.CLUSTER.flag());
        }
        if (noChromium != null) {
            scenarios.remove(Scenario.PAGELOAD.flag());
        }
        args.addAll(List.of("--scenarios", String.join(",", scenarios)));
        BenchOptions options = BenchOptions.parse(args.toArray(String[]::new));

        boolean complete = BenchMain.run(options, String.join(" ", args));

        String report = Files.readString(OUT);
        assertTrue(complete, "some cases produced no figures; the report says why:\n" + report);
        for (Scenario s : options.scenarios()) {
            assertTrue(report.contains("## " + (s.ordinal() + 1) + ". " + s.title()), "no section for " + s);
        }
        if (noCluster == null && unavailable == null) {
            // The smoke run's cluster columns: Plan.SMOKE_CLUSTER.
            for (String table : List.of(
                    "| figure | Pagewire | Socket.IO (redis-streams-adapter) |",
                    "| figure | Pagewire, on another node |",
                    "| figure | Pagewire long-polling, round-robin | Socket.IO polling, round-robin |"
                            + " Socket.IO polling, sticky (reference) |")) {
                assertTrue(report.contains(table), "no cluster table starting " + table);
            }
            assertTrue(Files.size(options.charts().resolve("cluster-fanout.png")) > 0, "cluster-fanout.png is empty");
        }
        for (String table : List.of(
                "| Pagewire over WebSocket | PagewireServer | Tomcat | Jetty |",
                // echo only: what binding the meters costs
                "| Pagewire over WebSocket | PagewireServer | Tomcat | Jetty | PagewireServer + metrics |",
                "| Pagewire over SSE + POST | PagewireServer | Tomcat | Jetty |",
                "| Pagewire over long-polling + POST | PagewireServer | Tomcat | Jetty |")) {
            assertTrue(report.contains(table), "no table of servers starting " + table);
        }
        if (noChromium == null) {
            for (Row row : Measurer.SMOKE_PAGELOAD_ROWS) {
                assertTrue(
                        Pattern.compile("\\| " + Pattern.quote(row.title()) + " \\| [0-9]")
                                .matcher(report)
                                .find(),
                        "no page-load figures for " + row.title());
            }
            assertTrue(Files.size(options.charts().resolve("pageload.png")) > 0, "pageload.png is empty");
        }
        for (String chart : List.of(
                "idle-memory.png",
                "echo-throughput.png",
                "echo-latency.png",
                "fanout.png",
                "fallback.png",
                "churn.png")) {
            assertTrue(Files.size(options.charts().resolve(chart)) > 0, chart + " is empty");
        }
        if (unavailable != null) {
            unavailable.skipOrFail(); // Pagewire and raw Netty were measured; Socket.IO could not be
        }
        if (noCluster != null) {
            noCluster.skipOrFail(); // the single servers were measured; the cluster could not be
        }
        if (noChromium != null) {
            noChromium.skipOrFail(); // the rest was measured; page load in Chromium could not be
        }
    }
}
