package dev.pagewire.redis;

import dev.pagewire.redis.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Backplanes of one test, each with its own {@link RecordingCluster}, on one Redis under a prefix of
 * their own (so tests sharing a Redis never see each other), all closed by {@link #close()}.
 */
final class Nodes implements AutoCloseable {

    /** Long enough that no lease ends by accident on a loaded machine. */
    static final Duration LEASE = Duration.ofSeconds(5);

    /** Short, so that tests notice gone nodes quickly. */
    static final Duration REFRESH = Duration.ofMillis(200);

    private static final AtomicInteger prefixes = new AtomicInteger();

    /** A joined backplane and what it delivered. */
    record Node(RedisBackplane backplane, RecordingCluster cluster, int number) {}

    private final String uri;
    private final String prefix;
    private final List<RedisBackplane> all = new ArrayList<>();

    Nodes(RedisServer redis) {
        this(redis.uri());
    }

    Nodes(String uri) {
        this.uri = uri;
        this.prefix = "test" + prefixes.incrementAndGet() + "-"
                + ProcessHandle.current().pid();
    }

    /** The prefix of this test's keys. */
    String prefix() {
        return prefix;
    }

    /** A node with the test lease. */
    Node join() {
        return join(LEASE);
    }

    /** A node whose lease lasts {@code lease}. */
    Node join(Duration lease) {
        return join(RedisBackplane.builder(uri)
                .prefix(prefix)
                .leaseTimeout(lease)
                .refreshInterval(REFRESH)
                .reconnectDelay(Duration.ofMillis(200)));
    }

    /** A node built by {@code builder} (which should use {@link #prefix()}). */
    Node join(RedisBackplane.Builder builder) {
        RedisBackplane backplane = builder.build();
        RecordingCluster cluster = new RecordingCluster();
        synchronized (all) {
            all.add(backplane);
        }
        int number = backplane.join(cluster);
        return new Node(backplane, cluster, number);
    }

    @Override
    public void close() {
        synchronized (all) {
            for (RedisBackplane backplane : all) {
                backplane.close();
            }
        }
    }
}
