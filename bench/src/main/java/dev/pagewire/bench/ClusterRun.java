package dev.pagewire.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The processes of one run of a cluster case (docs/CLUSTER.md): a fresh Redis, three nodes of one
 * peer on it, and — for the subjects that go through one — load balancers in front of them, all on
 * the servers' CPU. Measured from outside like a single server: the CPU time of the nodes, of Redis
 * and of the load balancers, and the requests in the load balancers' logs. Ends them all on
 * {@link #close}.
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

        boolean balanced() {
            return this == ROUND_ROBIN || this == STICKY;
        }
    }

    /** CPU time used so far, in seconds: all nodes together, Redis, all load balancers together. */
    record Cpu(double nodes, double redis, double balancers) {}

    private final Entry entry;
    private final RedisServer redis;
    private final List<ServerProcess> nodes;
    private final List<Haproxy> balancers;

    private ClusterRun(Entry entry, RedisServer redis, List<ServerProcess> nodes, List<Haproxy> balancers) {
        this.entry = entry;
        this.redis = redis;
        this.nodes = nodes;
        this.balancers = balancers;
    }

    /**
     * Starts Redis, the nodes of {@code s}'s peer and as many load balancers as {@code connections}
     * client connections need under the open-files limit ({@link Haproxy#capacity}); logs go to
     * {@code logs} under {@code name}, and each Pagewire node's Flight Recording to {@code jfr}
     * unless it is null.
     */
    static ClusterRun start(
            Launcher launcher, Subject s, int connections, long openFilesLimit, Path logs, Path jfr, String name)
            throws InterruptedException {
        Entry entry = Entry.of(s);
        RedisServer redis = RedisServer.start(launcher, logs.resolve(name + "-redis.log"));
        List<ServerProcess> nodes = List.of();
        List<Haproxy> balancers = new ArrayList<>();
        try {
            List<Path> nodeLogs = new ArrayList<>();
            List<Path> recordings = new ArrayList<>();
            for (int i = 1; i <= NODES; i++) {
                nodeLogs.add(logs.resolve(name + "-node" + i + ".log"));
                recordings.add(jfr == null ? null : jfr.resolve(name + "-node" + i + ".jfr"));
            }
            nodes = ServerProcess.startAll(launcher, s.peer(), nodeArgs(s.peer(), redis.uri()), nodeLogs, recordings);
            if (entry.balanced()) {
                int capacity = Haproxy.capacity(openFilesLimit);
                int count = balancers(connections, openFilesLimit);
                List<Integer> ports = nodes.stream().map(ServerProcess::port).toList();
                for (int i = 1; i <= count; i++) {
                    balancers.add(Haproxy.start(
                            launcher,
                            ports,
                            entry == Entry.STICKY ? Haproxy.Balance.SOURCE : Haproxy.Balance.ROUND_ROBIN,
                            capacity,
                            logs.resolve(name + "-haproxy" + i + ".log")));
                }
            }
            return new ClusterRun(entry, redis, nodes, balancers);
        } catch (RuntimeException | InterruptedException e) {
            new ClusterRun(entry, redis, nodes, balancers).close();
            throw e;
        }
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
            case PAGEWIRE_TOMCAT, PAGEWIRE_JETTY, RAW_NETTY ->
                throw new IllegalArgumentException(peer.title() + " does not run as a cluster");
        };
    }

    /** Where the load generator connects: the load balancers, or the nodes themselves. */
    List<Integer> entries() {
        return entry.balanced()
                ? balancers.stream().map(Haproxy::port).toList()
                : nodes.stream().map(ServerProcess::port).toList();
    }

    /** How many entries after the one that rendered a page its channel opens ({@code load.Entries}). */
    int hop() {
        return entry == Entry.OTHER_NODE ? 1 : 0;
    }

    int balancerCount() {
        return balancers.size();
    }

    Cpu cpu() {
        return new Cpu(
                nodes.stream().mapToDouble(ServerProcess::cpuSeconds).sum(),
                redis.cpuSeconds(),
                balancers.stream().mapToDouble(Haproxy::cpuSeconds).sum());
    }

    /** Marks in the load balancers' logs ({@link Haproxy#logMark}), one each. */
    List<Long> logMarks() {
        return balancers.stream().map(Haproxy::logMark).toList();
    }

    /** The requests all load balancers logged between two {@link #logMarks}. */
    Haproxy.Requests requests(List<Long> from, List<Long> to) {
        var all = new Haproxy.Requests(0, 0, 0, 0);
        for (int i = 0; i < balancers.size(); i++) {
            all = all.plus(balancers.get(i).requests(from.get(i), to.get(i)));
        }
        return all;
    }

    /** Ends the load balancers, the nodes, then Redis. */
    @Override
    public void close() throws InterruptedException {
        for (Haproxy b : balancers) {
            b.close();
        }
        nodes.forEach(ServerProcess::requestStop);
        for (ServerProcess n : nodes) {
            n.close();
        }
        redis.close();
    }
}
