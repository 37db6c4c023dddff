package dev.pagewire.e2e.cluster;

import dev.pagewire.netty.testing.Haproxy;
import dev.pagewire.netty.testing.NodeProcess;
import dev.pagewire.redis.testing.RedisServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * One cluster for every test of this JVM that only needs one to exist: a redis-server, three
 * {@link ClusterTestNode} processes on it and haproxy in front, balancing round-robin with no
 * stickiness. Started by the first {@link #get()}, stopped when the JVM ends. Tests stay
 * independent: each opens pages of its own. Tests that kill or stop nodes start clusters of their own
 * ({@link ClusterFaultsTest}).
 */
public final class SharedCluster {

    private static SharedCluster shared;

    private final RedisServer redis;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final Haproxy haproxy;

    private SharedCluster() {
        redis = RedisServer.start();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(NodeProcess.start(ClusterTestNode.class, redis.uri()));
            }
        } catch (RuntimeException | AssertionError e) {
            close();
            throw e;
        }
        haproxy = Haproxy.start(nodes.stream().map(NodeProcess::address).toList(), Haproxy.Timeouts.DEFAULT);
    }

    /** The cluster, started on first use. */
    public static synchronized SharedCluster get() {
        if (shared == null) {
            shared = new SharedCluster();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "shared-cluster-stop"));
        }
        return shared;
    }

    /** The load balancer's base URL. */
    public URI uri() {
        return haproxy.uri();
    }

    /** The load balancer's port. */
    public int port() {
        return haproxy.port();
    }

    public Haproxy haproxy() {
        return haproxy;
    }

    public List<NodeProcess> nodes() {
        return List.copyOf(nodes);
    }

    private void close() {
        if (haproxy != null) {
            haproxy.close();
        }
        nodes.forEach(NodeProcess::close);
        redis.close();
    }
}
