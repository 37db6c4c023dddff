package dev.pagewire.redis.internal;

import dev.pagewire.backplane.Backplane.NodeState;
import io.lettuce.core.ScriptOutputType;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * This node's lease: the key {@code <prefix>:node:<n>} holding {@code <state>:<token>} with a time
 * to live of the lease timeout. The token, random per backplane, tells this node's claim from any
 * other holder of the number (after Redis lost its data, a new node may take it), so a renewal only
 * ever extends this node's own claim. Claiming, renewing, reclaiming and leaving are one script each.
 *
 * <p>Threads: used on the control thread (and by join and close, before and after it runs); {@link
 * #drain()} and {@link #state()} are thread-safe.
 */
final class Lease {

    private static final SecureRandom random = new SecureRandom();

    private final RedisLink link;
    private final Keys keys;
    private final Duration timeout;
    private final String token;
    private volatile boolean draining;

    private long renewedAt; // nanoTime when the last successful renewal (or claim) was sent
    private long highest; // the highest node number handed out, as far as this node knows

    Lease(RedisLink link, Keys keys, Duration timeout) {
        this.link = link;
        this.keys = keys;
        this.timeout = timeout;
        byte[] raw = new byte[16];
        random.nextBytes(raw);
        this.token = HexFormat.of().formatHex(raw);
    }

    /** Takes a number no node has had (unless Redis lost its counter), and its lease. */
    int claim() {
        long start = System.nanoTime();
        long node = link.<Long>call(Script.CLAIM, ScriptOutputType.INTEGER, keys.prefix(), value(), millis());
        renewedAt = start;
        sawHighest(node);
        return Math.toIntExact(node);
    }

    /** Renews the lease of {@code node}; false if it is gone or another node holds the number. */
    boolean renew(int node) {
        long start = System.nanoTime();
        long renewed = link.<Long>call(
                Script.RENEW,
                ScriptOutputType.INTEGER,
                keys.prefix(),
                Keys.bytes(Integer.toString(node)),
                Keys.bytes(token),
                Keys.bytes(draining ? "draining" : "alive"),
                millis());
        if (renewed == 1) {
            renewedAt = start;
        }
        return renewed == 1;
    }

    /**
     * After Redis lost its data: takes number {@code node} again, if no node can have seen its lease
     * end (the last renewal is younger than the lease) and no new node took it meanwhile.
     */
    boolean reclaim(int node) {
        long start = System.nanoTime();
        if (start - renewedAt >= timeout.toNanos()) {
            return false;
        }
        long taken = link.<Long>call(
                Script.RECLAIM,
                ScriptOutputType.INTEGER,
                keys.prefix(),
                Keys.bytes(Integer.toString(node)),
                value(),
                millis());
        if (taken == 1) {
            renewedAt = start;
        }
        return taken == 1;
    }

    /**
     * Ends the lease of {@code node}, removes its topic members (publishing their leaves) and tells
     * the other nodes at once; nothing if another node holds the number.
     */
    void leave(int node) {
        link.<Long>call(
                Script.LEAVE,
                ScriptOutputType.INTEGER,
                keys.prefix(),
                Keys.bytes(Integer.toString(node)),
                Keys.bytes(token));
    }

    /** From now on the lease says draining (at the next renewal). */
    void drain() {
        draining = true;
    }

    /** ALIVE, or DRAINING once {@link #drain()} was called. */
    NodeState state() {
        return draining ? NodeState.DRAINING : NodeState.ALIVE;
    }

    /** Node number {@code node} was handed out. */
    void sawHighest(long node) {
        highest = Math.max(highest, node);
    }

    /** The highest node number handed out that this node knows of. */
    long highest() {
        return highest;
    }

    private byte[] value() {
        return Keys.bytes((draining ? "draining:" : "alive:") + token);
    }

    private byte[] millis() {
        return Keys.bytes(Long.toString(timeout.toMillis()));
    }
}
