package dev.pagewire.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The processes of a cluster (docs/CLUSTER.md): a fresh Redis, three nodes of one peer on it, and —
 * for the subjects that go through one — load balancers in front of them, all on the servers' CPU.
 * Measured from outside like a single server: the CPU time of the nodes, of Redis and of the load
 * balancers, and the requests in the load balancers' logs. Each {@link Entry} that goes through a
 * load balancer gets its own, started when it is first asked for, so that one cluster can serve
 * subjects of several entries one after the other (the smoke run's, {@link Measurer}); a measured
 * run starts a cluster for itself. Ends them all on {@link #close}. Not thread-safe: the
 * orchestrator's thread uses it.
 */
final class ClusterRun implements AutoCloseable {

    /** Nodes per cluster. */
    static final int NODES = 3;

    /** How a subject's channels reach the nodes. */
    enum Entry {
        /** Through the load balancer, round-robin: every HTTP request and WebSocket balanced on its own. */
        ROUND_ROBIN,
        /** Through a load balancer with sticky sessions (by source address): the reference for Socket.IO's polling. */
        STICKY,
        /** Straight to the node that rendered the page, its owner: no load balancer, no hop. */
        OWNER,
        /** Straight to another node than the one that rendered the page: no load balancer, a hop every time. */
        OTHER_NODE;

        static Entry of(Subject s) {
            return switch (s.transport()) {
                case "owner" -> OWNER;
                case "relayed" -> OTHER_NODE;
                case "sticky" -> STICKY;
                default -> ROUND_ROBIN;
            };
        }

        /** The load balancers' way of spreading requests, or null for an entry straight to the nodes. */
        Haproxy.Balance balance() {
            return switch (this) {
                case ROUND_ROBIN -> Haproxy.Balance.ROUND_ROBIN;
                case STICKY -> Haproxy.Balance.SOURCE;
                case OWNER, OTHER_NODE -> null;
            };
        }

        /** How many entries after the one that rendered a page its channel opens ({@code load.Entries}). */
        int hop() {
            return this == OTHER_NODE ? 1 : 0;
        }
    }

    /** CPU time used so far, in seconds: all nodes together, Redis, all load balancers of an entry together. */
    record Cpu(double nodes, double redis, double balancers) {}

    private final Launcher launcher;
    private final Peer peer;
    private final RedisServer redis;
    private final List<ServerProcess> nodes;
    private final Map<Haproxy.Balance, List<Haproxy>> balancers = new EnumMap<>(Haproxy.Balance.class);
    private final Path logs;
    private final String name;

    private ClusterRun(
            Launcher launcher, Peer peer, RedisServer redis, List<ServerProcess> nodes, Path logs, String name) {
        this.launcher = launcher;
        this.peer = peer;
        this.redis = redis;
        this.nodes = nodes;
        this.logs = logs;
        this.name = name;
    }

    /**
     * Starts Redis and the nodes of {@code peer}; logs go to {@code logs} under {@code name}, and
     * each Pagewire node's Flight Recording to {@code jfr} unless it is null. Load balancers start
     * with the first {@link #entries} that needs them.
     */
    static ClusterRun start(Launcher launcher, Peer peer, Path logs, Path jfr, String name)
            throws InterruptedException {
        RedisServer redis = RedisServer.start(launcher, logs.resolve(name + "-redis.log"));
        try {
            List<Path> nodeLogs = new ArrayList<>();
            List<Path> recordings = new ArrayList<>();
            for (int i = 1; i <= NODES; i++) {
                nodeLogs.add(logs.resolve(name + "-node" + i + ".log"));
                recordings.add(jfr == null ? null : jfr.resolve(name + "-node" + i + ".jfr"));
            }
            List<ServerProcess> nodes =
                    ServerProcess.startAll(launcher, peer, nodeArgs(peer, redis.uri()), nodeLogs, recordings);
            return new ClusterRun(launcher, peer, redis, nodes, logs, name);
        } catch (RuntimeException | InterruptedException e) {
            redis.close();
            throw e;
        }
    }

    /** The peer whose nodes these are. */
    Peer peer() {
        return peer;
    }

    /** The programs a cluster needs that are not on the PATH, as a phrase, or null when both are. */
    static String missingTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("redis-server", "haproxy")) {
            boolean found = Arrays.stream(
                            System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                    .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
            if (!found) {
                missing.add(tool);
            }
        }
        return missing.isEmpty() ? null : String.join(" and ", missing) + " on the PATH";
    }

    /** How many load balancers {@code connections} client connections need here. */
    static int balancers(int connections, long openFilesLimit) {
        int capacity = Haproxy.capacity(openFilesLimit);
        return Math.max(1, (connections + capacity - 1) / capacity);
    }

    /** What makes a bench server a node of the cluster on {@code redisUri}. */
    private static List<String> nodeArgs(Peer peer, String redisUri) {
        return switch (peer) {
            case PAGEWIRE -> List.of("--redis", redisUri);
            case SOCKETIO -> List.of("--redis", redisUri, "--adapter", "redis");
            case SOCKETIO_STREAMS -> List.of("--redis", redisUri, "--adapter", "streams");
            case PAGEWIRE_TOMCAT, PAGEWIRE_JETTY, PAGEWIRE_METRICS, RAW_NETTY ->
                throw new IllegalArgumentException(peer.title() + " does not run as a cluster");
        };
    }

    /**
     * Where the load generator connects for {@code entry}: the nodes themselves, or load balancers
     * in front of them, as many as {@code connections} client connections need under the
     * open-files limit ({@link Haproxy#capacity}), started here unless they run already.
     */
    List<Integer> entries(Entry entry, int connections, long openFilesLimit) throws InterruptedException {
        Haproxy.Balance balance = entry.balance();
        if (balance == null) {
            return nodes.stream().map(ServerProcess::port).toList();
        }
        List<Haproxy> started = balancers.computeIfAbsent(balance, b -> new ArrayList<>());
        int capacity = Haproxy.capacity(openFilesLimit);
        List<Integer> ports = nodes.stream().map(ServerProcess::port).toList();
        for (int i = started.size() + 1; i <= balancers(connections, openFilesLimit); i++) {
            started.add(Haproxy.start(
                    launcher,
                    ports,
                    balance,
                    capacity,
                    logs.resolve(name + "-haproxy-" + balance.name().toLowerCase(Locale.ROOT) + i + ".log")));
        }
        return started.stream().map(Haproxy::port).toList();
    }

    /** How many load balancers {@code entry} goes through (0 straight to the nodes). */
    int balancerCount(Entry entry) {
        return balancersOf(entry).size();
    }

    /** CPU time so far: the nodes, Redis, and the load balancers of {@code entry}. */
    Cpu cpu(Entry entry) {
        return new Cpu(
                nodes.stream().mapToDouble(ServerProcess::cpuSeconds).sum(),
                redis.cpuSeconds(),
                balancersOf(entry).stream().mapToDouble(Haproxy::cpuSeconds).sum());
    }

    /** Marks in the logs of {@code entry}'s load balancers ({@link Haproxy#logMark}), one each. */
    List<Long> logMarks(Entry entry) {
        return balancersOf(entry).stream().map(Haproxy::logMark).toList();
    }

    /** The requests all of {@code entry}'s load balancers logged between two {@link #logMarks}. */
    Haproxy.Requests requests(Entry entry, List<Long> from, List<Long> to) {
        List<Haproxy> those = balancersOf(entry);
        var all = new Haproxy.Requests(0, 0, 0, 0);
        for (int i = 0; i < those.size(); i++) {
            all = all.plus(those.get(i).requests(from.get(i), to.get(i)));
        }
        return all;
    }

    private List<Haproxy> balancersOf(Entry entry) {
        Haproxy.Balance balance = entry.balance();
        return balance == null ? List.of() : balancers.getOrDefault(balance, List.of());
    }

    /** Ends the load balancers, the nodes, then Redis. */
    @Override
    public void close() throws InterruptedException {
        for (List<Haproxy> those : balancers.values()) {
            for (Haproxy b : those) {
                b.close();
            }
        }
        nodes.forEach(ServerProcess::requestStop);
        for (ServerProcess n : nodes) {
            n.close();
        }
        redis.close();
    }
}
