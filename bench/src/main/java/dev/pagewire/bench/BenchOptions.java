package dev.pagewire.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one bench run does. Defaults are the full bench; {@code --smoke} shrinks every size to a
 * few connections and one short run whose intervals are counted rather than timed (what
 * {@code mvn verify} runs so the bench cannot rot).
 *
 * @param scenarios which scenarios ({@code --scenarios idle,echo,fanout,fallback,churn,cluster,pageload},
 *     default all)
 * @param peers which servers ({@code --peers
 *     pagewire,pagewire-tomcat,pagewire-jetty,pagewire-metrics,socketio,socketio-streams,raw}, default all); Pagewire
 *     on Tomcat and on Jetty take part in echo, fallback and churn only, Socket.IO with its Redis
 *     streams adapter in the cluster only
 * @param idleSizes idle connections per case ({@code --sizes}, default 10000,50000,100000); sizes the
 *     open-files limit cannot hold are left out and said so in the report
 * @param runs repetitions of every case; the report shows medians ({@code --runs}, default 3)
 * @param echoClients concurrent closed-loop echo clients ({@code --echo-clients}, default 100)
 * @param fallbackClients the same over SSE and long-polling ({@code --fallback-clients}, default 50)
 * @param fanoutMembers pages in the topic ({@code --fanout}, default 10000)
 * @param broadcasts fan-out broadcasts timed one at a time (default 10)
 * @param churnOpeners concurrent page openers in the churn scenario ({@code --churn-openers}, default 20)
 * @param warmupMs warm-up of echo, fan-out and churn ({@code --warmup-ms}, default 12000: the servers'
 *     JIT has one core, and a short warm-up measures the compiler; at 6 s C2 still took a third of
 *     Pagewire's core)
 * @param churnWarmupMs warm-up of churn ({@code --churn-warmup-ms}, default 30000, never below
 *     {@code warmupMs}): churn runs the widest code (render, handshake, WebSocket, close), and at 12 s
 *     Pagewire's JIT was still compiling it (142 µs of CPU per page after 12 s, 94 µs after 30 s, in
 *     one run on this machine; Socket.IO 182 and 171)
 * @param clusterWarmupMs warm-up of the cluster's cases ({@code --cluster-warmup-ms}, default three times
 *     {@code warmupMs}: three nodes' JITs share the one core a single server has)
 * @param durationMs measured interval of echo, sustained fan-out and churn ({@code --duration-ms}, default 5000)
 * @param pin whether to pin each server to CPU 1 and the load generator to CPU 0 ({@code --no-pin} to
 *     not; never in the smoke run)
 * @param jfr where each Pagewire server writes a Flight Recording per case ({@code --jfr DIR}), or null
 * @param out the report ({@code --out}, default docs/BENCHMARKS.md); charts go to {@code bench/} beside it
 * @param socketio the directory of the Socket.IO server ({@code --socketio}, default bench/socketio)
 * @param smoke whether this is the smoke-sized run
 * @param pageloadViews measured page views per row of the page-load scenario ({@code --pageload-views},
 *     default 30; 1 in the smoke run)
 * @param chromium the Chromium the page-load scenario drives ({@code --chromium}, default the Debian
 *     package's {@code /usr/bin/chromium})
 * @param parts which of the cluster's parts ({@code --parts fanout,echo,polling}, default all): to
 *     measure one of them alone while working on it
 * @param loadProcesses load-generator processes the churn scenario's openers are spread over
 *     ({@code --load-processes}, default 2, never more than the openers): one process's event loop
 *     was the limit of churn (at 77–100% of its core); the others keep one process
 */
record BenchOptions(
        Set<Scenario> scenarios,
        List<Peer> peers,
        List<Integer> idleSizes,
        int runs,
        int echoClients,
        int fallbackClients,
        int fanoutMembers,
        int broadcasts,
        int churnOpeners,
        long warmupMs,
        long churnWarmupMs,
        long clusterWarmupMs,
        long durationMs,
        boolean pin,
        Path jfr,
        Path out,
        Path socketio,
        boolean smoke,
        int pageloadViews,
        Path chromium,
        Set<String> parts,
        int loadProcesses) {

    /** Every server, in the order of the report's columns. */
    static final String DEFAULT_PEERS =
            "pagewire,pagewire-tomcat,pagewire-jetty,pagewire-metrics,socketio,socketio-streams,raw";

    /** Every server but Socket.IO's, for a machine without Node. */
    static final String PEERS_WITHOUT_NODE = "pagewire,pagewire-tomcat,pagewire-jetty,pagewire-metrics,raw";

    static final String USAGE = """
        usage: bench/run [options]   (or java -cp pagewire-bench-all.jar dev.pagewire.bench.BenchMain)
          --scenarios LIST     idle,echo,fanout,fallback,churn,cluster,pageload or all (default
                               all); cluster: 3 nodes + Redis behind haproxy round-robin (no
                               sticky sessions), fan-out over the nodes, echo through a non-owner
                               node, long-polling; needs redis-server and haproxy; pageload:
                               Chromium's time from navigation start to the page's channel
                               connected, Pagewire and Socket.IO, on loopback and with 100 ms
                               added per request, cold and warm cache
          --peers LIST         pagewire,pagewire-tomcat,pagewire-jetty,pagewire-metrics,socketio,
                               socketio-streams,raw (default all; Pagewire on Tomcat and on Jetty
                               run echo, fallback, churn; pagewire-metrics, Pagewire with its
                               meters bound, echo only; socketio-streams, Socket.IO with its Redis
                               streams adapter, cluster only)
          --sizes LIST         idle connections, e.g. 10000,50000,100000 (default)
          --runs N             repetitions, medians reported (default 3)
          --echo-clients K     closed-loop echo clients (default 100; also the cluster's echo)
          --fallback-clients K echo clients over SSE / long-polling (default 50; also the
                               cluster's long-polling)
          --fanout N           pages in the fan-out topic (default 10000; also the cluster's)
          --broadcasts B       fan-out broadcasts timed one at a time (default 10)
          --churn-openers C    concurrent page openers (default 20)
          --warmup-ms MS       warm-up before measuring (default 12000)
          --churn-warmup-ms MS churn's warm-up (default 30000: churn runs the widest
                               code, and the JIT takes longest to settle on it)
          --cluster-warmup-ms MS  the cluster's warm-up (default 3 × --warmup-ms: three
                               nodes' JITs share one core)
          --duration-ms MS     measured interval (default 5000)
          --parts LIST         the cluster's parts: fanout,echo,polling (default all)
          --load-processes N   load-generator processes churn's openers are spread over
                               (default 2; the other scenarios use one)
          --pageload-views N   measured page views per row of pageload (default 30)
          --chromium PATH      the Chromium pageload drives (default /usr/bin/chromium)
          --no-pin             do not pin servers to CPU 1 and the load generator to CPU 0
          --jfr DIR            Flight Recording of each Pagewire server per case, into DIR
          --out FILE           the report (default docs/BENCHMARKS.md; charts in docs/bench/)
          --socketio DIR       the Socket.IO server's directory (default bench/socketio)
          --smoke              a few connections, one short run (what mvn verify runs)
          --from RUNS.TSV      (first) redraw the report from a run log, measuring nothing
        environment:
          BENCH_SERVER_JVM_FLAGS  more JVM flags for the Pagewire servers, split at spaces
                               (e.g. -XX:+EnableDynamicAgentLoading to attach a profiler)
        """;

    /** The chart directory: {@code bench/} beside the report. */
    Path charts() {
        return out.toAbsolutePath().getParent().resolve("bench");
    }

    /** @throws IllegalArgumentException naming the flag that is wrong */
    static BenchOptions parse(String[] args) {
        Map<String, String> f = new HashMap<>();
        boolean smoke = false;
        boolean pin = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--no-pin" -> pin = false;
                default -> {
                    if (!args[i].startsWith("--") || i + 1 >= args.length) {
                        throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                    }
                    f.put(args[i].substring(2), args[++i]);
                }
            }
        }
        var o = new BenchOptions(
                Scenario.parse(f.getOrDefault("scenarios", "all")),
                Peer.parse(f.getOrDefault("peers", DEFAULT_PEERS)),
                Arrays.stream(f.getOrDefault("sizes", smoke ? "50" : "10000,50000,100000")
                                .split(","))
                        .map(s -> number("sizes", s.strip()))
                        .toList(),
                number(f, "runs", smoke ? 1 : 3),
                number(f, "echo-clients", smoke ? 2 : 100),
                number(f, "fallback-clients", smoke ? 2 : 50),
                number(f, "fanout", smoke ? 50 : 10_000),
                number(f, "broadcasts", smoke ? 3 : 10),
                number(f, "churn-openers", smoke ? 2 : 20),
                number(f, "warmup-ms", smoke ? 300 : 12000),
                number(f, "churn-warmup-ms", smoke ? 300 : Math.max(30_000, number(f, "warmup-ms", 12000))),
                number(f, "cluster-warmup-ms", 3 * number(f, "warmup-ms", smoke ? 300 : 12000)),
                number(f, "duration-ms", smoke ? 500 : 5000),
                // Pinning is for figures; the smoke run's many short JVMs start faster unpinned.
                pin && !smoke && Runtime.getRuntime().availableProcessors() >= 2,
                f.containsKey("jfr") ? Path.of(f.remove("jfr")) : null,
                Path.of(f.getOrDefault("out", "docs/BENCHMARKS.md")),
                Path.of(f.getOrDefault("socketio", defaultSocketIo())),
                smoke,
                number(f, "pageload-views", smoke ? 1 : 30),
                Path.of(f.getOrDefault("chromium", "/usr/bin/chromium")),
                parts(f.getOrDefault("parts", String.join(",", Plan.CLUSTER_PARTS))),
                number(f, "load-processes", 2));
        f.keySet()
                .removeAll(Set.of(
                        "scenarios",
                        "peers",
                        "sizes",
                        "runs",
                        "echo-clients",
                        "fallback-clients",
                        "fanout",
                        "broadcasts",
                        "churn-openers",
                        "warmup-ms",
                        "churn-warmup-ms",
                        "cluster-warmup-ms",
                        "duration-ms",
                        "out",
                        "socketio",
                        "pageload-views",
                        "chromium",
                        "parts",
                        "load-processes"));
        if (!f.isEmpty()) {
            throw new IllegalArgumentException("unknown options: --" + String.join(", --", f.keySet()));
        }
        if (o.runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1");
        }
        if (o.loadProcesses < 1) {
            throw new IllegalArgumentException("--load-processes must be at least 1");
        }
        if (o.pageloadViews < 1) {
            throw new IllegalArgumentException("--pageload-views must be at least 1");
        }
        if (o.scenarios.stream().noneMatch(s -> o.peers.stream().anyMatch(p -> Plan.takesPart(p, s)))) {
            throw new IllegalArgumentException("nothing to measure: no server of --peers takes part in the scenarios"
                    + " of --scenarios (" + Peer.PAGEWIRE_TOMCAT.title() + " and " + Peer.PAGEWIRE_JETTY.title()
                    + " run echo, fallback and churn; raw Netty has no fallback and no cluster; "
                    + Peer.SOCKETIO_STREAMS.flag() + " runs in cluster only; pageload is "
                    + Peer.PAGEWIRE.flag() + " and " + Peer.SOCKETIO.flag() + ")");
        }
        return o;
    }

    /** {@code bench/socketio} from the repository root, {@code socketio} from the module (as in tests). */
    private static String defaultSocketIo() {
        return Files.isDirectory(Path.of("bench/socketio")) ? "bench/socketio" : "socketio";
    }

    private static Set<String> parts(String list) {
        Set<String> parts = new java.util.LinkedHashSet<>();
        for (String part : list.split(",")) {
            String p = part.strip();
            if (!Plan.CLUSTER_PARTS.contains(p)) {
                throw new IllegalArgumentException(
                        "--parts takes " + String.join(", ", Plan.CLUSTER_PARTS) + "; got '" + p + "'");
            }
            parts.add(p);
        }
        return Set.copyOf(parts);
    }

    private static int number(Map<String, String> f, String name, int fallback) {
        return f.containsKey(name) ? number(name, f.get(name)) : fallback;
    }

    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " takes a number, got '" + value + "'");
        }
    }
}
