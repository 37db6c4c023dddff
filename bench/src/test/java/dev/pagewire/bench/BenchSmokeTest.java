package dev.pagewire.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.netty.testing.Unavailable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole bench at smoke size — every scenario, every server (Pagewire on its own server, on
 * Tomcat and on Jetty, Socket.IO, raw Netty), in their own processes — so that it cannot rot.
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
        List<String> args =
                new ArrayList<>(List.of("--smoke", "--out", OUT.toString(), "--socketio", socketio.toString()));
        if (unavailable != null) {
            args.addAll(List.of("--peers", BenchOptions.DEFAULT_PEERS.replace(",socketio", "")));
        }
        BenchOptions options = BenchOptions.parse(args.toArray(String[]::new));

        boolean complete = BenchMain.run(options, String.join(" ", args));

        String report = Files.readString(OUT);
        assertTrue(complete, "some cases produced no figures; the report says why:\n" + report);
        for (Scenario s : Scenario.values()) {
            assertTrue(report.contains("## " + (s.ordinal() + 1) + ". " + s.title()), "no section for " + s);
        }
        for (String table : List.of(
                "| Pagewire over WebSocket | PagewireServer | Tomcat | Jetty |",
                "| Pagewire over SSE + POST | PagewireServer | Tomcat | Jetty |",
                "| Pagewire over long-polling + POST | PagewireServer | Tomcat | Jetty |")) {
            assertTrue(report.contains(table), "no table of servers starting " + table);
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
    }
}
