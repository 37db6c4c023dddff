package dev.pagewire.redis.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of one {@link RedisNode}, as {@code RedisBackplane.Builder} collected them; the
 * defaults and their reasons are documented on the builder. Immutable.
 *
 * @param uri where Redis is, e.g. {@code redis://127.0.0.1:6379}
 * @param prefix the first part of every key and channel name, so that several applications can
 *     share one Redis
 * @param leaseTimeout how long a node's lease lasts without renewal; it is renewed every third of it
 * @param refreshInterval how often this node reads every node's lease to notice who is gone
 * @param connectTimeout how long {@code join} waits for Redis before it fails
 * @param commandTimeout how long a command this node waits on (a renewal, a snapshot) may take
 * @param reconnectDelay the longest pause between two attempts to reach Redis again
 * @param requestQueueSize commands that may wait for Redis at once; more are dropped
 * @param sendBufferBytes bytes of messages to one other node that may wait for Redis at once; more
 *     are dropped
 */
public record RedisOptions(
        String uri,
        String prefix,
        Duration leaseTimeout,
        Duration refreshInterval,
        Duration connectTimeout,
        Duration commandTimeout,
        Duration reconnectDelay,
        int requestQueueSize,
        int sendBufferBytes) {

    public RedisOptions {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isEmpty() || prefix.contains("{") || prefix.contains("}")) {
            throw new IllegalArgumentException("prefix must be non-empty, without braces: " + prefix);
        }
        positive(leaseTimeout, "leaseTimeout");
        positive(refreshInterval, "refreshInterval");
        positive(connectTimeout, "connectTimeout");
        positive(commandTimeout, "commandTimeout");
        positive(reconnectDelay, "reconnectDelay");
        if (leaseTimeout.toMillis() < 300) {
            throw new IllegalArgumentException("leaseTimeout must be at least 300 ms, got " + leaseTimeout);
        }
        if (requestQueueSize < 1) {
            throw new IllegalArgumentException("requestQueueSize must be at least 1, got " + requestQueueSize);
        }
        if (sendBufferBytes < 64 * 1024) {
            throw new IllegalArgumentException("sendBufferBytes must be at least 65536, got " + sendBufferBytes);
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** The URI for messages and logs: a password in it is not repeated. */
    public String where() {
        return uri.replaceFirst("//[^/@]*@", "//***@");
    }

    /** How often the lease is renewed: a third of it, so that two renewals in a row may fail. */
    public Duration renewInterval() {
        return leaseTimeout.dividedBy(3);
    }
}
