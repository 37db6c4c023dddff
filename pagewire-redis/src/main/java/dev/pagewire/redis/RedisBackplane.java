package dev.pagewire.redis;

import dev.pagewire.backplane.Backplane;
import dev.pagewire.backplane.Cluster;
import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.backplane.TopicSnapshot;
import dev.pagewire.redis.internal.RedisNode;
import dev.pagewire.redis.internal.RedisOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link Backplane} of a cluster on Redis: several nodes, no sticky sessions, one Redis that
 * every node reaches (a single primary, not a sharded Redis Cluster; tested with Redis 7).
 *
 * <pre>{@code
 * Backplane backplane = RedisBackplane.connect("redis://127.0.0.1:6379");
 * }</pre>
 *
 * <p>What Redis holds, under the {@linkplain Builder#prefix prefix}: each node's lease (a key with a
 * time to live, renewed every third of the {@linkplain Builder#leaseTimeout lease}), the counter
 * that numbers nodes, the shared secret, and every topic's members and kept broadcasts. Node
 * messages and topic events travel by pub/sub; each change to a topic is one Lua script that also
 * publishes it, so every node sees a topic's events in one order. Redis needs no persistence: when
 * it restarts empty, the nodes restore what they know (their numbers, the secret) and core restores
 * its topic members.
 *
 * <p>Outages: a node that loses Redis tells core that messages may have been lost, and when Redis is
 * back it hands core a fresh snapshot of the topics. A node cut off for longer than its lease is gone
 * for the others; when it is back it joins again under a new number and tells core it was evicted.
 * Messages that cannot be sent meanwhile are dropped, not queued, so an outage never fills the
 * memory.
 *
 * <p>{@link #join} connects (it blocks, up to the {@linkplain Builder#connectTimeout connect
 * timeout}); {@link #close} leaves the cluster, and the other nodes see this node gone at once.
 * Thread-safe, as {@link Backplane} requires.
 */
public final class RedisBackplane implements Backplane {

    private final RedisNode node;

    private RedisBackplane(RedisOptions options) {
        this.node = new RedisNode(options);
    }

    /**
     * A backplane on the Redis at {@code redisUri} (e.g. {@code redis://127.0.0.1:6379}, or
     * {@code rediss://…} for TLS, with a password as {@code redis://:password@host:6379}), with every
     * other setting at its default. Connects in {@link #join}, not here.
     *
     * @param redisUri the Redis to use, as a {@code redis://} or {@code rediss://} URI
     * @return the backplane, not yet connected
     */
    public static RedisBackplane connect(String redisUri) {
        return builder(redisUri).build();
    }

    /**
     * {@return a builder of a backplane on the Redis at {@code redisUri}, every setting at its default}
     * See {@link #connect}.
     *
     * @param redisUri the Redis to use, as a {@code redis://} or {@code rediss://} URI
     */
    public static Builder builder(String redisUri) {
        return new Builder(redisUri);
    }

    /**
     * Registers this node under a new number and starts delivering to {@code cluster}. Blocks until
     * done.
     *
     * @param cluster core's side, which receives what the backplane delivers to this node
     * @return this node's number, at least 1, never one another node has had
     * @throws IllegalStateException if Redis cannot be reached within the connect timeout (the
     *     message names the URI, without its password), or if this backplane joined already
     * @throws IllegalArgumentException if the URI given to {@link #connect} or {@link #builder} is not
     *     a Redis URI
     */
    @Override
    public int join(Cluster cluster) {
        return node.join(Objects.requireNonNull(cluster, "cluster"));
    }

    /** The cluster's secret, 32 random bytes the first node put into Redis. */
    @Override
    public byte[] sharedSecret() {
        return node.sharedSecret();
    }

    @Override
    public NodeState state(int node) {
        return this.node.state(node);
    }

    @Override
    public int anotherLiveNode() {
        return node.anotherLiveNode();
    }

    /** Publishes {@code message} to the node's channel; dropped while Redis cannot be reached. */
    @Override
    public void send(int node, byte[] message) {
        this.node.send(node, Objects.requireNonNull(message, "message"));
    }

    /**
     * Runs the script that numbers, applies and publishes {@code event}. Every event comes back
     * through {@link Cluster#topicEvent}, a leave of a member the topic does not have too, except a
     * join for a node that is gone: its member would never be removed, so it is not taken.
     */
    @Override
    public void publish(TopicEvent event) {
        node.publish(Objects.requireNonNull(event, "event"));
    }

    @Override
    public void drain() {
        node.drain();
    }

    @Override
    public CompletableFuture<TopicSnapshot> snapshot() {
        return node.snapshot();
    }

    @Override
    public void close() {
        node.close();
    }

    /** The engine behind this backplane (tests in this package stop its lease). */
    RedisNode engine() {
        return node;
    }

    @Override
    public String toString() {
        return "RedisBackplane[node " + node.node() + "]";
    }

    /**
     * Settings of a {@link RedisBackplane}; each has a default that suits a cluster in one data
     * centre. Not thread-safe; {@link #build()} may be called more than once.
     */
    public static final class Builder {

        private final String uri;
        private String prefix = "pagewire";
        private Duration leaseTimeout = Duration.ofSeconds(6);
        private Duration refreshInterval = Duration.ofSeconds(1);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration commandTimeout = Duration.ofSeconds(2);
        private Duration reconnectDelay = Duration.ofSeconds(1);
        private int requestQueueSize = 100_000;
        private int sendBufferBytes = 16 * 1024 * 1024;

        private Builder(String uri) {
            this.uri = Objects.requireNonNull(uri, "redisUri");
        }

        /**
         * The start of every key and channel name, so that several applications (or several
         * clusters) can share one Redis. Not empty, no braces. Default {@code pagewire}.
         *
         * @param prefix the prefix, without a separator: the backplane adds its own
         * @return this builder
         */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * How long a node stays alive for the others without renewing its lease; it is renewed every
         * third of it. A node silent for longer is gone for good, its pages lost. Shorter notices
         * dead nodes sooner, longer survives longer pauses (GC, Redis failover). At least 300 ms.
         * Default 6 s.
         *
         * @param leaseTimeout how long a lease lasts without renewal
         * @return this builder
         */
        public Builder leaseTimeout(Duration leaseTimeout) {
            this.leaseTimeout = leaseTimeout;
            return this;
        }

        /**
         * How often a node reads every node's lease to notice who drains or is gone; a node that
         * closes is seen gone at once regardless. Default 1 s.
         *
         * @param refreshInterval the time between two reads of the leases
         * @return this builder
         */
        public Builder refreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
            return this;
        }

        /**
         * How long {@link RedisBackplane#join} waits for Redis before it fails. Default 10 s.
         *
         * @param connectTimeout the longest wait for the first connection
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * How long a command the node waits on (a renewal, reading the topics) may take before it
         * counts as failed. Default 2 s.
         *
         * @param commandTimeout the longest wait for one command's answer
         * @return this builder
         */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
            return this;
        }

        /**
         * The longest pause between two attempts to reach Redis again after it was lost; attempts
         * start quickly and back off up to this. Default 1 s.
         *
         * @param reconnectDelay the longest pause between two attempts
         * @return this builder
         */
        public Builder reconnectDelay(Duration reconnectDelay) {
            this.reconnectDelay = reconnectDelay;
            return this;
        }

        /**
         * How many commands (topic events, PUBLISHes of messages to other nodes, reads) may wait
         * for Redis at once; more are dropped and logged once, so that a slow Redis cannot fill the
         * memory. Default 100,000.
         *
         * @param requestQueueSize the most commands waiting at once
         * @return this builder
         */
        public Builder requestQueueSize(int requestQueueSize) {
            this.requestQueueSize = requestQueueSize;
            return this;
        }

        /**
         * How many bytes of messages to one other node (relayed frames and requests, calls) may
         * wait for Redis at once. While Redis answers one PUBLISH to a node, the messages that
         * follow gather and leave together; past this bound they are dropped and logged once, and
         * the connections relayed between the two nodes start over (their clients resume, nothing
         * is lost). At least 64 KiB. Default 16 MiB.
         *
         * @param sendBufferBytes the most bytes waiting for one other node
         * @return this builder
         */
        public Builder sendBufferBytes(int sendBufferBytes) {
            this.sendBufferBytes = sendBufferBytes;
            return this;
        }

        /**
         * Builds the backplane; it connects when it joins.
         *
         * @return a new backplane with these settings
         * @throws IllegalArgumentException if a setting is out of range
         */
        public RedisBackplane build() {
            return new RedisBackplane(new RedisOptions(
                    uri,
                    prefix,
                    leaseTimeout,
                    refreshInterval,
                    connectTimeout,
                    commandTimeout,
                    reconnectDelay,
                    requestQueueSize,
                    sendBufferBytes));
        }
    }
}
