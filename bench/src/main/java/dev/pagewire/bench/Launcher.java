package dev.pagewire.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the orchestrator starts its child processes: the JVM it runs on with its own classpath (the
 * shaded jar, or the test classpath in the smoke test), Node for Socket.IO, Redis and haproxy for
 * a cluster, each pinned to its CPU when pinning is on: every server process (a cluster's nodes,
 * its Redis and its load balancers included) on {@link #SERVER_CPU}, the load generators on
 * {@link #LOAD_CPU}, every other core. The JVM servers get the same flags, stated in the report.
 */
final class Launcher {

    /** The JVM flags of every JVM server (Pagewire on each of its servers, and raw Netty). */
    static final List<String> SERVER_JVM_FLAGS = List.of("-Xms64m", "-Xmx2g", "-XX:+UseSerialGC");
    /** The load generator's JVM flags. */
    static final List<String> LOAD_JVM_FLAGS = List.of("-Xms512m", "-Xmx4g", "-XX:+UseSerialGC");
    /** Smoke runs are about working, not speed: C1 alone starts the many short JVMs faster. */
    static final String SMOKE_JVM_FLAG = "-XX:TieredStopAtLevel=1";

    static final String SERVER_CPU = "1";
    /** Every CPU but the servers' (CPU 0 alone on a 2-core machine): the load generators'. */
    static final String LOAD_CPU = loadCpus(Runtime.getRuntime().availableProcessors());

    /** The CPUs of a machine with {@code cpus} cores that are not {@link #SERVER_CPU}, as taskset takes them. */
    static String loadCpus(int cpus) {
        return cpus <= 2 ? "0" : cpus == 3 ? "0,2" : "0,2-" + (cpus - 1);
    }

    private final BenchOptions options;
    private final String java = ProcessHandle.current().info().command().orElse("java");
    private final String classpath = System.getProperty("java.class.path");

    Launcher(BenchOptions options) {
        this.options = options;
    }

    /**
     * The command of the server for {@code peer}, listening on a free port, with {@code args} after
     * the port (a cluster node's {@code --redis URI}); {@code jfr} may be null.
     */
    List<String> server(Peer peer, Path jfr, List<String> args) {
        List<String> c = pinned(SERVER_CPU);
        if (peer.onNode()) {
            c.addAll(List.of("node", "--expose-gc", "server.js", "0"));
            c.addAll(args);
            return c;
        }
        c.add(java);
        c.addAll(jvmFlags(SERVER_JVM_FLAGS));
        if (jfr != null) {
            c.add("-XX:StartFlightRecording=filename=" + jfr.toAbsolutePath() + ",settings=profile");
        }
        String extra = System.getenv("BENCH_SERVER_JVM_FLAGS");
        if (peer.isPagewire() && extra != null && !extra.isBlank()) {
            c.addAll(List.of(extra.trim().split("\\s+")));
        }
        c.addAll(List.of("-cp", classpath, mainClass(peer), "0"));
        c.addAll(args);
        if (peer == Peer.PAGEWIRE_METRICS) {
            c.add("--metrics");
        }
        return c;
    }

    /**
     * A cluster's Redis on {@code port} of 127.0.0.1, on the servers' CPU, keeping nothing: no
     * snapshots, no append-only file; its files (none) would go to {@code dir}.
     */
    List<String> redis(int port, Path dir) {
        List<String> c = pinned(SERVER_CPU);
        c.addAll(List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toAbsolutePath().toString()));
        return c;
    }

    /** A cluster's load balancer with the configuration {@code config}, in the foreground, on the servers' CPU. */
    List<String> haproxy(Path config) {
        List<String> c = pinned(SERVER_CPU);
        c.addAll(List.of("haproxy", "-db", "-f", config.toAbsolutePath().toString()));
        return c;
    }

    /** The main class of a JVM server (in {@code dev.pagewire.bench.servers}). */
    private static String mainClass(Peer peer) {
        return "dev.pagewire.bench.servers."
                + switch (peer) {
                    case PAGEWIRE, PAGEWIRE_METRICS -> "PagewireBenchServer";
                    case PAGEWIRE_TOMCAT -> "TomcatBenchServer";
                    case PAGEWIRE_JETTY -> "JettyBenchServer";
                    case RAW_NETTY -> "RawNettyEchoServer";
                    case SOCKETIO, SOCKETIO_STREAMS -> throw new IllegalArgumentException("Socket.IO runs on Node");
                };
    }

    /** The directory a server for {@code peer} runs in. */
    Path serverDir(Peer peer) {
        return peer.onNode()
                ? options.socketio().toAbsolutePath()
                : Path.of(".").toAbsolutePath();
    }

    /** The load generator's command with its arguments. */
    List<String> load(List<String> args) {
        List<String> c = pinned(LOAD_CPU);
        c.add(java);
        c.addAll(jvmFlags(LOAD_JVM_FLAGS));
        c.addAll(List.of("-cp", classpath, "dev.pagewire.bench.load.LoadMain"));
        c.addAll(args);
        return c;
    }

    /**
     * The page-load scenario's load generator ({@code pageload.PageLoadMain}) with its arguments,
     * on the load generator's CPU: Playwright's driver and Chromium, its children, inherit the pinning.
     */
    List<String> pageLoad(List<String> args) {
        List<String> c = pinned(LOAD_CPU);
        c.add(java);
        c.addAll(jvmFlags(List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC")));
        c.addAll(List.of("-cp", classpath, "dev.pagewire.bench.pageload.PageLoadMain"));
        c.addAll(args);
        return c;
    }

    private List<String> jvmFlags(List<String> flags) {
        List<String> all = new ArrayList<>(flags);
        if (options.smoke()) {
            all.add(SMOKE_JVM_FLAG);
        }
        return all;
    }

    private List<String> pinned(String cpu) {
        List<String> c = new ArrayList<>();
        if (options.pin()) {
            c.addAll(List.of("taskset", "-c", cpu));
        }
        return c;
    }
}
