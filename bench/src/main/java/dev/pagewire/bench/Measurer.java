package dev.pagewire.bench;

import dev.pagewire.bench.pageload.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one case for one subject once: a fresh server process (or cluster), a load-generator process
 * driving it, and the measurements taken from outside meanwhile (memory, CPU). Returns the figures
 * by name.
 *
 * <p>The smoke run measures nothing that is compared, so there a server (or cluster) is kept after
 * a run that went well and serves the next run of the same peer ({@link Plan#steps} puts those
 * together): one start per peer for its single-server cases and one cluster per peer, instead of
 * one per run. A run that failed ends what it ran on. {@link #close} ends what is kept. Used from
 * one thread.
 */
final class Measurer implements AutoCloseable {

    /** In the smoke run, measured intervals are counted, not timed: echo answers per client. */
    static final int SMOKE_ECHO_MESSAGES = 200;
    /** … pages through the churn cycle. */
    static final int SMOKE_CHURN_PAGES = 20;
    /** … sustained fan-out broadcasts. */
    static final int SMOKE_BROADCASTS = 5;

    /**
     * … and page-load rows: a view is a fresh profile, Chromium's emulated latency if its row has
     * one, a first navigation if its row is warm, then the measured navigation; these two rows take
     * every branch (a cold view on loopback, a warm one with latency), the other two only combine them.
     */
    static final List<Row> SMOKE_PAGELOAD_ROWS = List.of(Row.LOOPBACK_COLD, Row.RTT100_WARM);

    /** Server CPU time per message, delivery or page, in µs. */
    static final String CPU_PER_UNIT = "server_cpu_us_per_unit";

    /** The machine's 1-minute load average as a run started: other work on the machine skews figures. */
    static final String MACHINE_LOAD = "machine_load";

    private final BenchOptions options;
    private final Launcher launcher;
    private final Path logs;
    private final Consumer<String> progress;

    /** The server or cluster the last run left for the next (smoke run only); at most one is set. */
    private ServerProcess keptServer;

    private ClusterRun keptCluster;

    Measurer(BenchOptions options, Launcher launcher, Path logs, Consumer<String> progress) {
        this.options = options;
        this.launcher = launcher;
        this.logs = logs;
        this.progress = progress;
    }

    Map<String, Double> measure(Case c, Subject s, int run) throws InterruptedException {
        // Every run keeps its logs (and recording): a failure may need the server's side of it.
        String name = c.id() + "-" + s.id() + "-run" + run;
        Path jfr =
                options.jfr() != null && s.peer().isPagewire() ? options.jfr().resolve(name + ".jfr") : null;
        Path loadLog = logs.resolve(name + "-load.log");
        double machineLoad = ProcStats.loadAverage();
        if (c.scenario() == Scenario.CLUSTER) {
            Map<String, Double> f = clustered(c, s, name, loadLog);
            f.put(MACHINE_LOAD, machineLoad);
            return f;
        }
        ServerProcess server = server(s.peer(), logs.resolve(name + "-server.log"), jfr);
        boolean done = false;
        try {
            Map<String, Double> f = switch (c.scenario()) {
                case IDLE -> idle(c, s, server, loadLog);
                case PAGELOAD -> pageLoad(s, server, loadLog);
                default -> timed(c, s, server, loadLog);
            };
            f.put(MACHINE_LOAD, machineLoad);
            done = true;
            return f;
        } finally {
            if (done && keeps()) {
                keptServer = server;
            } else {
                keptServer = null;
                server.close();
            }
        }
    }

    /** Whether servers and clusters are kept from run to run: in the smoke run, unless each run records its own JFR. */
    private boolean keeps() {
        return options.smoke() && options.jfr() == null;
    }

    /** The kept server if it is {@code peer}'s, else a fresh one (after ending whatever was kept). */
    private ServerProcess server(Peer peer, Path log, Path jfr) throws InterruptedException {
        if (keptServer != null && keptServer.peer() == peer) {
            return keptServer;
        }
        close();
        return ServerProcess.start(launcher, peer, log, jfr);
    }

    /** The kept cluster if it is {@code peer}'s, else a fresh one (after ending whatever was kept). */
    private ClusterRun cluster(Peer peer, String name, Path jfr) throws InterruptedException {
        if (keptCluster != null && keptCluster.peer() == peer) {
            return keptCluster;
        }
        close();
        return ClusterRun.start(launcher, peer, logs, jfr, name);
    }

    /** Ends the server or cluster kept for a next run, if any. */
    @Override
    public void close() throws InterruptedException {
        ServerProcess server = keptServer;
        ClusterRun cluster = keptCluster;
        keptServer = null;
        keptCluster = null;
        if (server != null) {
            server.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Memory with no connection, then with {@code size} idle ones, each after a full GC. */
    private Map<String, Double> idle(Case c, Subject s, ServerProcess server, Path loadLog)
            throws InterruptedException {
        long heap0 = server.heapAfterGc();
        long rss0 = server.rssBytes();
        try (var load = start(s, loadArgs(c, s, server), loadLog)) {
            load.awaitLine("PHASE holding", Duration.ofMinutes(10));
            long heap = server.heapAfterGc();
            long rss = server.rssBytes();
            load.send("close");
            Map<String, Double> f = result(load);
            int n = c.size();
            f.put("rss_per_conn_kb", (rss - rss0) / 1024.0 / n);
            f.put("heap_per_conn_kb", (heap - heap0) / 1024.0 / n);
            f.put("rss_mb", rss / 1024.0 / 1024.0);
            f.put("rss0_mb", rss0 / 1024.0 / 1024.0);
            return f;
        }
    }

    /** Server CPU time per measured page view, in ms: the suffix of each page-load row's figure. */
    static final String CPU_PER_VIEW = "_server_cpu_ms";

    /**
     * Chromium's page views ({@code pageload.PageLoadMain}): the server's CPU is read around each
     * measured navigation, which waits meanwhile, so that a row's CPU per view leaves out the
     * warm-up, a warm view's first navigation, and the closing of each view's channel.
     */
    private Map<String, Double> pageLoad(Subject s, ServerProcess server, Path loadLog) throws InterruptedException {
        List<String> args = new ArrayList<>(List.of(
                "--url",
                "http://127.0.0.1:" + server.port() + "/pageload",
                "--views",
                Integer.toString(options.pageloadViews()),
                "--warmup-ms",
                // The smoke run is about working: its views need no compiled server.
                Long.toString(options.smoke() ? 0 : options.warmupMs()),
                "--chromium",
                options.chromium().toAbsolutePath().toString()));
        if (options.smoke()) {
            args.addAll(List.of(
                    "--rows",
                    String.join(",", SMOKE_PAGELOAD_ROWS.stream().map(Row::key).toList())));
        }
        Map<String, Double> cpu = new LinkedHashMap<>();
        Map<String, Integer> views = new LinkedHashMap<>();
        try (var browser = ChildProcess.start(
                "Chromium (" + s.peer().title() + " pages)",
                launcher.pageLoad(args),
                Path.of("."),
                loadLog,
                progress)) {
            Duration patience = Duration.ofMillis(options.warmupMs()).plusMinutes(5);
            for (String line; !(line = browser.awaitLine("VIEW ", patience)).equals("VIEW done"); ) {
                String[] mark = line.split(" "); // VIEW start|end ROW
                double now = server.cpuSeconds();
                boolean start = mark[1].equals("start");
                cpu.merge(mark[2], start ? -now : now, Double::sum);
                if (start) {
                    views.merge(mark[2], 1, Integer::sum);
                }
                browser.send("go");
            }
            Map<String, Double> f = result(browser);
            cpu.forEach((row, seconds) -> f.put(row + CPU_PER_VIEW, seconds * 1000 / views.get(row)));
            return f;
        }
    }

    /** Scenarios with a measured interval: the server's CPU over it (the load generator reports its own). */
    private Map<String, Double> timed(Case c, Subject s, ServerProcess server, Path loadLog)
            throws InterruptedException {
        if (c.scenario() == Scenario.CHURN) {
            return churn(c, s, server, loadLog);
        }
        try (var load = start(s, loadArgs(c, s, server), loadLog)) {
            load.awaitLine("PHASE measure", Duration.ofMinutes(10));
            long t0 = System.nanoTime();
            double server0 = server.cpuSeconds();
            load.awaitLine("PHASE end", Duration.ofMillis(options.durationMs()).plusMinutes(2));
            double wall = (System.nanoTime() - t0) / 1e9;
            double serverCpu = (server.cpuSeconds() - server0) / wall * 100;
            // The load generator's CPU comes with its figures (load_cpu_pct): it may end right after.
            Map<String, Double> f = result(load);
            f.put("server_cpu_pct", serverCpu);
            // CPU per unit of work: what other work on a shared machine moves least.
            Double rate = f.get(
                    switch (c.scenario()) {
                        case FANOUT -> "deliveries_per_s";
                        case CHURN -> "pages_per_s";
                        default -> "messages_per_s";
                    });
            if (rate != null && rate > 0) {
                f.put(CPU_PER_UNIT, serverCpu / 100 * 1e6 / rate);
            }
            return f;
        }
    }

    /**
     * Page churn, its openers spread over {@code --load-processes} load generators run in step
     * ({@link SplitLoad}): one process's event loop was the limit of churn. Their figures are
     * put together as one load's, the server's CPU measured from when all of them measure until
     * all have ended. Each process logs to its own file beside {@code loadLog}.
     */
    private Map<String, Double> churn(Case c, Subject s, ServerProcess server, Path loadLog)
            throws InterruptedException {
        int n = Math.min(options.loadProcesses(), c.size());
        List<Integer> openers = SplitLoad.shares(c.size(), n);
        List<Integer> pages = SplitLoad.shares(SMOKE_CHURN_PAGES, n);
        List<ChildProcess> started = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                List<String> a = new ArrayList<>(List.of(
                        "--protocol",
                        s.protocol(),
                        "--port",
                        Integer.toString(server.port()),
                        "--scenario",
                        "churn",
                        "--clients",
                        Integer.toString(openers.get(i)),
                        "--warmup-ms",
                        Long.toString(options.churnWarmupMs()),
                        "--duration-ms",
                        Long.toString(options.durationMs()),
                        "--in-step",
                        "1"));
                if (options.smoke()) {
                    a.addAll(List.of("--messages", Integer.toString(pages.get(i))));
                }
                String log = loadLog.getFileName().toString().replace(".log", (i + 1) + ".log");
                started.add(start(s, a, loadLog.resolveSibling(log)));
            }
        } catch (RuntimeException e) {
            SplitLoad.of(started).close();
            throw e;
        }
        try (var load = SplitLoad.of(started)) {
            load.startMeasuring(Duration.ofMillis(options.churnWarmupMs()).plusMinutes(10));
            long t0 = System.nanoTime();
            double server0 = server.cpuSeconds();
            load.awaitEnd(Duration.ofMillis(options.durationMs()).plusMinutes(2));
            double wall = (System.nanoTime() - t0) / 1e9;
            double serverCpu = (server.cpuSeconds() - server0) / wall * 100;
            Map<String, Double> f = load.result(Duration.ofMinutes(2));
            f.put("server_cpu_pct", serverCpu);
            Double rate = f.get("pages_per_s");
            if (rate != null && rate > 0) {
                f.put(CPU_PER_UNIT, serverCpu / 100 * 1e6 / rate);
            }
            return f;
        }
    }

    /**
     * A cluster case: a fresh cluster ({@link ClusterRun}; in the smoke run, the peer's kept one)
     * and a load generator through its entries. The CPU that counts is the nodes' and Redis's together ({@code server_cpu_pct}, and
     * per delivery or message); the load balancers' is a figure of its own, as they cost the same
     * whichever cluster is behind them. For the long-polling case, the requests the load balancers
     * logged over the measured interval: how many were answered with an error, and how many went to
     * the same node as the request before them on their connection.
     */
    private Map<String, Double> clustered(Case c, Subject s, String name, Path loadLog) throws InterruptedException {
        int connections = c.part().equals(Case.POLLING) ? 2 * c.size() : c.size();
        Path jfr = options.jfr() != null && s.peer().isPagewire() ? options.jfr() : null;
        ClusterRun.Entry entry = ClusterRun.Entry.of(s);
        ClusterRun cluster = cluster(s.peer(), name, jfr);
        boolean done = false;
        try {
            List<String> a = new ArrayList<>(List.of(
                    "--protocol",
                    s.protocol(),
                    "--port",
                    String.join(
                            ",",
                            cluster.entries(entry, connections, ProcStats.openFilesLimit()).stream()
                                    .map(String::valueOf)
                                    .toList()),
                    "--hop",
                    Integer.toString(entry.hop())));
            a.addAll(clusterLoadArgs(c));
            try (var load = start(s, a, loadLog)) {
                load.awaitLine("PHASE measure", Duration.ofMinutes(10));
                long t0 = System.nanoTime();
                ClusterRun.Cpu cpu0 = cluster.cpu(entry);
                List<Long> marks0 = cluster.logMarks(entry);
                load.awaitLine(
                        "PHASE end", Duration.ofMillis(options.durationMs()).plusMinutes(2));
                double wall = (System.nanoTime() - t0) / 1e9;
                ClusterRun.Cpu cpu1 = cluster.cpu(entry);
                List<Long> marks1 = cluster.logMarks(entry);
                Map<String, Double> f = result(load);
                double nodes = (cpu1.nodes() - cpu0.nodes()) / wall * 100;
                double redis = (cpu1.redis() - cpu0.redis()) / wall * 100;
                f.put("nodes_cpu_pct", nodes);
                f.put("redis_cpu_pct", redis);
                f.put("server_cpu_pct", nodes + redis);
                f.put("lb_cpu_pct", (cpu1.balancers() - cpu0.balancers()) / wall * 100);
                f.put("load_balancers", (double) cluster.balancerCount(entry));
                Double rate = f.get(c.part().equals(Case.FANOUT) ? "deliveries_per_s" : "messages_per_s");
                if (rate != null && rate > 0) {
                    f.put(CPU_PER_UNIT, (nodes + redis) / 100 * 1e6 / rate);
                }
                if (c.part().equals(Case.POLLING)) {
                    Haproxy.Requests r = cluster.requests(entry, marks0, marks1);
                    f.put("http_requests_per_s", r.count() / wall);
                    if (r.count() > 0) {
                        f.put("http_error_pct", 100.0 * r.errors() / r.count());
                    }
                    if (r.pairs() > 0) {
                        f.put("same_node_pct", 100.0 * r.sameNode() / r.pairs());
                    }
                }
                done = true;
                return f;
            }
        } finally {
            if (done && keeps()) {
                keptCluster = cluster;
            } else {
                keptCluster = null;
                cluster.close();
            }
        }
    }

    /** The load generator's scenario for a cluster case, at its size. */
    private List<String> clusterLoadArgs(Case c) {
        String n = Integer.toString(c.size());
        String warmup = Long.toString(options.clusterWarmupMs());
        String duration = Long.toString(options.durationMs());
        List<String> a = new ArrayList<>();
        switch (c.part()) {
            case Case.FANOUT -> {
                a.addAll(List.of(
                        "--scenario",
                        "fanout",
                        "--connections",
                        n,
                        "--broadcasts",
                        Integer.toString(options.broadcasts()),
                        "--warmup-ms",
                        warmup,
                        "--duration-ms",
                        duration));
                if (options.smoke()) {
                    a.addAll(List.of("--messages", Integer.toString(SMOKE_BROADCASTS)));
                }
            }
            case Case.ECHO -> {
                a.addAll(List.of(
                        "--scenario", "echo", "--clients", n, "--warmup-ms", warmup, "--duration-ms", duration));
                if (options.smoke()) {
                    a.addAll(List.of("--messages", Integer.toString(SMOKE_ECHO_MESSAGES)));
                }
            }
            // Timed even in the smoke run: a client that cannot keep a session never reaches a count.
            case Case.POLLING ->
                a.addAll(List.of(
                        "--scenario", "echo-reopen", "--clients", n, "--warmup-ms", warmup, "--duration-ms", duration));
            default -> throw new IllegalArgumentException("no cluster case '" + c.part() + "'");
        }
        return a;
    }

    private ChildProcess start(Subject s, List<String> args, Path log) {
        return ChildProcess.start(
                "load generator (" + s.protocol() + ")", launcher.load(args), Path.of("."), log, progress);
    }

    private static Map<String, Double> result(ChildProcess load) throws InterruptedException {
        return figures(load.awaitLine("RESULT", Duration.ofMinutes(2)));
    }

    /** The figures of a load generator's {@code RESULT key=value …} line, in its order. */
    static Map<String, Double> figures(String line) {
        Map<String, Double> f = new LinkedHashMap<>();
        for (String pair : line.substring("RESULT".length()).strip().split(" ")) {
            int eq = pair.indexOf('=');
            f.put(pair.substring(0, eq), Double.parseDouble(pair.substring(eq + 1)));
        }
        return f;
    }

    private List<String> loadArgs(Case c, Subject s, ServerProcess server) {
        List<String> a =
                new ArrayList<>(List.of("--protocol", s.protocol(), "--port", Integer.toString(server.port())));
        String n = Integer.toString(c.size());
        String warmup = Long.toString(options.warmupMs());
        String duration = Long.toString(options.durationMs());
        switch (c.scenario()) {
            case IDLE -> a.addAll(List.of("--scenario", "idle", "--connections", n));
            case ECHO, FALLBACK ->
                a.addAll(List.of(
                        "--scenario", "echo", "--clients", n, "--warmup-ms", warmup, "--duration-ms", duration));
            case FANOUT ->
                a.addAll(List.of(
                        "--scenario",
                        "fanout",
                        "--connections",
                        n,
                        "--broadcasts",
                        Integer.toString(options.broadcasts()),
                        "--duration-ms",
                        duration));
            case CHURN -> throw new IllegalArgumentException("churn runs over several load generators: see churn()");
            case CLUSTER -> throw new IllegalArgumentException("a cluster has no single server: see clustered()");
            case PAGELOAD -> throw new IllegalArgumentException("page load runs Chromium: see pageLoad()");
        }
        if (options.smoke()) {
            int count = switch (c.scenario()) {
                case ECHO, FALLBACK -> SMOKE_ECHO_MESSAGES;
                case FANOUT -> SMOKE_BROADCASTS;
                case IDLE, CHURN, CLUSTER, PAGELOAD -> 0;
            };
            a.addAll(List.of("--messages", Integer.toString(count)));
        }
        return a;
    }
}
