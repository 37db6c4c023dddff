package dev.pagewire.redis.internal;

import dev.pagewire.backplane.Backplane.NodeState;
import dev.pagewire.backplane.Cluster;
import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.backplane.TopicSnapshot;
import dev.pagewire.redis.internal.TopicFeed.ClusterSnapshot;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a cluster on Redis: everything behind {@code RedisBackplane}. It joins ({@link
 * #join}), carries node messages, hands topic events to a {@link TopicFeed}, and keeps the node in
 * line with Redis through outages ({@link #recover}); its {@link Lease}, its view of the other nodes
 * ({@link Peers}) and the topics' keys ({@link TopicStore}) each have a class of their own.
 *
 * <p>Threads: the public methods are thread-safe; only {@link #join} and {@link #close} block. The
 * steps that talk to Redis and wait (renewing, reading leases, recovering) run one at a time on one
 * control thread, which owns the lease; the subscriber's thread delivers messages and topic events
 * and never waits on Redis.
 */
public final class RedisNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisNode.class);
    private static final SecureRandom random = new SecureRandom();
    private static final int SECRET_BYTES = 32;
    /** At most one lost-link report to core per node in this time. */
    private static final long LOSS_REPORT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final RedisOptions options;
    private final Keys keys;
    private final String where;
    private final NodeView view = new NodeView();
    private final AtomicBoolean joined = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean recoveryWanted = new AtomicBoolean();
    private final Map<Integer, byte[]> nodeChannels = new ConcurrentHashMap<>();
    private final Map<Integer, NodeOutbox> outboxes = new ConcurrentHashMap<>();
    /** Nodes whose lost messages core is about to hear of ({@link #lostTo}). */
    private final Set<Integer> lossReports = ConcurrentHashMap.newKeySet();
    /** When core last heard of lost messages to each node, as {@link System#nanoTime}. */
    private final Map<Integer, Long> lastLossReport = new ConcurrentHashMap<>();

    private final Outage sends = new Outage(
            log,
            "messages to other nodes are dropped until Redis answers again",
            "messages to other nodes go through again");
    private final Outage publishes = new Outage(
            log,
            "topic events are lost until Redis answers again (a snapshot follows)",
            "topic events go through again");
    private final Outage renewals =
            new Outage(log, "this node cannot renew its lease", "this node renews its lease again");

    // Set by join, before anything else may use them.
    private volatile RedisLink link;
    private volatile Cluster cluster;
    private volatile TopicFeed feed;
    private volatile ScheduledExecutorService control;
    private volatile Lease lease;
    private volatile Peers peers;
    private volatile TopicStore store;
    private volatile byte[] secret;
    private volatile byte[] ownChannel;
    private volatile boolean draining;
    private volatile boolean leasePaused;

    // Owned by the control thread (and by join, before the control thread starts).
    private byte[] epoch;
    private boolean recovering;
    private boolean subscriberLost;

    public RedisNode(RedisOptions options) {
        this.options = options;
        this.keys = new Keys(options.prefix());
        this.where = options.where();
    }

    // ---- joining and leaving

    /**
     * See {@code Backplane#join}: connects, loads the scripts, makes sure the epoch and the secret
     * exist, claims a number, subscribes (buffering topic events), reads the leases and the topics,
     * hands core the snapshot and then the events, and starts renewing and refreshing.
     */
    public int join(Cluster cluster) {
        if (!joined.compareAndSet(false, true)) {
            throw new IllegalStateException("this backplane has joined already");
        }
        this.cluster = cluster;
        this.feed = new TopicFeed(cluster, options.requestQueueSize(), this::recoverSoon);
        try {
            this.link = RedisLink.open(options, new Listener(), new Events());
        } catch (RuntimeException e) {
            closed.set(true);
            throw e;
        }
        this.control = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pagewire-redis-" + options.prefix());
            t.setDaemon(true);
            return t;
        });
        this.lease = new Lease(link, keys, options.leaseTimeout());
        if (draining) {
            lease.drain();
        }
        this.peers = new Peers(
                link,
                keys,
                view,
                cluster,
                lease,
                this::onControl,
                options.leaseTimeout().plus(options.refreshInterval()));
        this.store = new TopicStore(link, keys, this::lostEvent);
        try {
            link.loadScripts();
            byte[] fresh = new byte[SECRET_BYTES];
            random.nextBytes(fresh);
            List<Object> shared =
                    link.call(Script.INIT, ScriptOutputType.MULTI, keys.prefix(), newEpoch(), fresh, num(0));
            epoch = TopicWire.bytes(shared.get(0));
            secret = TopicWire.bytes(shared.get(1));
            int node = lease.claim();
            view.self(node, lease.state());
            ownChannel = nodeChannel(node);
            link.await(link.subscribe(ownChannel, keys.topicsChannel(), keys.clusterChannel()), "SUBSCRIBE");
            peers.refresh(epoch);
            while (!feed.resume(readTopics(), false)) {
                log.debug("topic events overflowed while joining: reading the topics again");
            }
            peers.announce(lease.state());
            long renew = options.renewInterval().toMillis();
            control.scheduleWithFixedDelay(this::renew, renew, renew, TimeUnit.MILLISECONDS);
            long refresh = options.refreshInterval().toMillis();
            control.scheduleWithFixedDelay(this::refresh, refresh, refresh, TimeUnit.MILLISECONDS);
            log.info("joined the cluster on Redis at {} (prefix {}) as node {}", where, keys, node);
            return node;
        } catch (RuntimeException e) {
            closed.set(true);
            feed.close();
            control.shutdownNow();
            link.close();
            throw new IllegalStateException("cannot join the cluster on Redis at " + where + ": " + e.getMessage(), e);
        }
    }

    /** See {@code Backplane#close}: leaves the cluster, telling the others at once. */
    @Override
    public void close() {
        if (!joined.get() || !closed.compareAndSet(false, true)) {
            return;
        }
        feed.close();
        control.shutdownNow();
        try {
            control.awaitTermination(options.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int node = view.self();
        try {
            lease.leave(node);
            log.info("node {} left the cluster", node);
        } catch (RuntimeException e) {
            log.warn(
                    "node {} could not leave the cluster cleanly ({}): the others see it gone when its lease ends",
                    node,
                    e.getMessage());
        } finally {
            link.close();
        }
    }

    // ---- what the backplane offers

    /** See {@code Backplane#sharedSecret}. */
    public byte[] sharedSecret() {
        byte[] s = secret;
        return s == null ? null : s.clone();
    }

    /** See {@code Backplane#state}; after {@link #close}, every node is gone as far as this one knows. */
    public NodeState state(int node) {
        return closed.get() ? NodeState.GONE : view.state(node);
    }

    /** See {@code Backplane#anotherLiveNode}. */
    public int anotherLiveNode() {
        return closed.get() ? 0 : view.anotherLive();
    }

    /** This node's number now (it changes when it is evicted); 0 before it joined. */
    public int node() {
        return view.self();
    }

    /**
     * See {@code Backplane#send}: through the node's {@link NodeOutbox}, which publishes to its
     * channel at once or together with the messages that follow while Redis answers. A message
     * that cannot be sent now is dropped (core notices the gap).
     */
    public void send(int node, byte[] message) {
        RedisLink l = link;
        if (l == null || closed.get()) {
            return;
        }
        outboxes.computeIfAbsent(node, n -> {
                    byte[] channel = nodeChannel(n);
                    return new NodeOutbox(
                            payload -> l.publish(channel, payload),
                            new NodeOutbox.Outcome() {
                                @Override
                                public void succeeded() {
                                    sends.succeeded();
                                }

                                @Override
                                public void failed(Throwable cause) {
                                    sends.failed(cause);
                                    lostTo(n);
                                }

                                @Override
                                public void undelivered() {
                                    sends.failed(new IllegalStateException("node " + n + " is not subscribed"));
                                    lostTo(n);
                                }
                            },
                            view::self,
                            options.sendBufferBytes(),
                            options.commandTimeout().toNanos(),
                            l.callbacks(),
                            System::nanoTime);
                })
                .send(message);
    }

    /**
     * Messages to {@code node} were lost: core hears of it ({@code Cluster#linkLost}), so that the
     * connections relayed between the two end and resume rather than wait for an answer that will
     * not come. The receiving node cannot tell when the lost messages were the last ones sent. At
     * most one report per node each {@link #LOSS_REPORT_NANOS}: core answers a lost link with a
     * message to the node, which is lost too while the node is away.
     */
    private void lostTo(int node) {
        if (closed.get() || !lossReports.add(node)) {
            return;
        }
        long wait = Math.max(
                0, lastLossReport.getOrDefault(node, Long.MIN_VALUE / 2) + LOSS_REPORT_NANOS - System.nanoTime());
        Runnable report = () -> {
            lastLossReport.put(node, System.nanoTime());
            lossReports.remove(node);
            Cluster c = cluster;
            if (c != null && !closed.get()) {
                try {
                    c.linkLost(node);
                } catch (RuntimeException e) {
                    log.error("core failed to handle the lost link to node {}", node, e);
                }
            }
        };
        ScheduledExecutorService c = control;
        try {
            if (c == null) {
                lossReports.remove(node);
            } else if (wait == 0) {
                c.execute(report);
            } else {
                c.schedule(report, wait, TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException e) {
            lossReports.remove(node); // closed
        }
    }

    /**
     * See {@code Backplane#publish}. An event Redis did not take is lost; since core may count on
     * it, a snapshot after an outage follows.
     */
    public void publish(TopicEvent event) {
        TopicStore s = store;
        if (s != null && !closed.get()) {
            s.publish(event);
        }
    }

    private void lostEvent(Throwable failure) {
        if (!closed.get()) {
            publishes.failed(failure);
            recoverSoon();
        }
    }

    /** See {@code Backplane#drain}. */
    public void drain() {
        if (draining || closed.get()) {
            return;
        }
        draining = true;
        Lease l = lease;
        if (l == null) {
            return; // join claims the lease as draining
        }
        l.drain();
        view.self(view.self(), NodeState.DRAINING);
        log.info("node {} is draining: it takes no new pages", view.self());
        onControl(() -> {
            renew();
            peers.announce(NodeState.DRAINING);
        });
    }

    /** See {@code Backplane#snapshot}. */
    public CompletableFuture<TopicSnapshot> snapshot() {
        TopicStore s = store;
        if (s == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("this backplane has not joined"));
        }
        return s.read().thenApply(ClusterSnapshot::snapshot);
    }

    /**
     * Stops or resumes renewing the lease, as a node cut off from Redis would (tests): the others see
     * this node gone once the lease ends, and on resuming it finds itself evicted.
     */
    public void pauseLease(boolean paused) {
        leasePaused = paused;
    }

    // ---- the control thread's periodic steps

    private void renew() {
        if (closed.get() || leasePaused || recovering) {
            return;
        }
        try {
            if (lease.renew(view.self())) {
                renewals.succeeded();
            } else {
                log.debug("node {} found its lease gone", view.self());
                recoverSoon();
            }
        } catch (RuntimeException e) {
            renewals.failed(e);
        }
    }

    private void refresh() {
        if (closed.get() || recovering) {
            return;
        }
        try {
            if (!peers.refresh(epoch)) {
                log.debug("the epoch in Redis changed: it lost its data");
                recoverSoon();
            }
        } catch (RuntimeException e) {
            log.debug("could not read the nodes' leases: {}", e.getMessage());
        }
    }

    // ---- outages (control thread)

    private void recoverSoon() {
        if (!closed.get() && control != null && recoveryWanted.compareAndSet(false, true)) {
            onControl(this::recover);
        }
    }

    private void subscriberDown() {
        if (closed.get() || subscriberLost) {
            return;
        }
        subscriberLost = true;
        log.warn("lost the connection to Redis at {}: messages between nodes may be lost until it is back", where);
        peers.linksLost();
    }

    /**
     * Brings this node back in line with Redis after anything that may have cost events or the
     * lease: a broken connection, a lost event, a lease found gone, Redis losing its data. Buffers
     * topic events; makes sure the scripts, the epoch, the secret and a high enough node counter are
     * there; keeps this node's number if its lease is still there (or, after Redis lost its data, if
     * it can be taken again in time), else joins under a new number and reports the eviction;
     * confirms the subscriptions; then hands core a fresh snapshot with {@code afterOutage}. Tries
     * again shortly if any step fails.
     */
    private void recover() {
        if (closed.get() || (!recoveryWanted.get() && !recovering)) {
            return;
        }
        recoveryWanted.set(false);
        recovering = true;
        feed.pause();
        try {
            link.loadScripts();
            List<Object> shared = link.call(
                    Script.INIT,
                    ScriptOutputType.MULTI,
                    keys.prefix(),
                    newEpoch(),
                    secret,
                    num(Math.max(lease.highest(), view.highest())));
            byte[] now = TopicWire.bytes(shared.get(0));
            boolean dataLost = !Arrays.equals(now, epoch);
            if (dataLost) {
                epoch = now;
                peers.grace();
                log.warn("Redis at {} lost the cluster's data (restarted?): taking node {} again", where, view.self());
                if (!Arrays.equals(TopicWire.bytes(shared.get(1)), secret)) {
                    log.error("another node put a new shared secret into Redis before this one could restore it:"
                            + " page tokens of this node and of the nodes that joined meanwhile do not verify on"
                            + " each other");
                }
            }
            int node = view.self();
            if (!lease.renew(node) && !(dataLost && lease.reclaim(node))) {
                evicted(node);
            }
            link.await(link.subscribe(ownChannel, keys.topicsChannel(), keys.clusterChannel()), "SUBSCRIBE");
            while (!feed.resume(readTopics(), true)) {
                log.debug("topic events overflowed while recovering: reading the topics again");
            }
            recovering = false;
            renewals.succeeded();
            publishes.succeeded();
            peers.announce(lease.state());
            if (subscriberLost) {
                subscriberLost = false;
                log.info("back on Redis at {} as node {}", where, view.self());
            }
        } catch (RuntimeException e) {
            if (closed.get()) {
                return;
            }
            log.debug("could not recover yet: {}", e.getMessage());
            long retry = Math.max(10, options.reconnectDelay().toMillis() / 4);
            try {
                control.schedule(this::recover, retry, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                // close() stopped the control thread
            }
        }
    }

    /**
     * Node {@code old}'s lease is gone and the others took it for gone: joins again under a new
     * number, and tells core (links lost, then the eviction).
     */
    private void evicted(int old) {
        int fresh = lease.claim();
        view.gone(old);
        view.self(fresh, lease.state());
        byte[] oldChannel = ownChannel;
        ownChannel = nodeChannel(fresh);
        link.unsubscribe(oldChannel);
        log.warn(
                "node {} was cut off from Redis past its lease and the others took it for gone; joined again as"
                        + " node {}",
                old,
                fresh);
        if (!subscriberLost) {
            peers.linksLost();
        }
        try {
            cluster.evicted(fresh);
        } catch (RuntimeException e) {
            log.error("core failed to handle the eviction of node {}", old, e);
        }
        peers.gone(old, false, "evicted");
    }

    // ---- helpers

    private ClusterSnapshot readTopics() {
        return link.await(store.read(), "reading the topics", 3);
    }

    private byte[] nodeChannel(int node) {
        return nodeChannels.computeIfAbsent(node, keys::nodeChannel);
    }

    private static byte[] newEpoch() {
        byte[] raw = new byte[16];
        random.nextBytes(raw);
        return Keys.bytes(HexFormat.of().formatHex(raw));
    }

    private static byte[] num(long n) {
        return Keys.bytes(Long.toString(n));
    }

    /** Runs {@code task} on the control thread, unless closed; a failure is logged. */
    private void onControl(Runnable task) {
        ScheduledExecutorService c = control;
        if (c == null || closed.get()) {
            return;
        }
        try {
            c.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.debug("a control step failed: {}", e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            // close() stopped the control thread
        }
    }

    /** What the subscriber receives, on its thread: never waits on Redis. */
    private final class Listener extends RedisPubSubAdapter<byte[], byte[]> {
        @Override
        public void message(byte[] channel, byte[] message) {
            if (closed.get()) {
                return;
            }
            try {
                if (Arrays.equals(channel, keys.topicsChannel())) {
                    feed.received(TopicWire.event(message));
                } else if (Arrays.equals(channel, keys.clusterChannel())) {
                    Peers p = peers;
                    if (p != null) {
                        p.notice(new String(message, StandardCharsets.UTF_8));
                    }
                } else if (Arrays.equals(channel, ownChannel)) {
                    fromNode(message);
                }
            } catch (TopicWire.Malformed e) {
                log.error("unreadable message on {}: {}", new String(channel, StandardCharsets.UTF_8), e.getMessage());
            } catch (RuntimeException e) {
                log.error("handling a message on {} failed", new String(channel, StandardCharsets.UTF_8), e);
            }
        }

        private void fromNode(byte[] payload) {
            NodeOutbox.read(payload, cluster::received);
        }
    }

    /** What Lettuce reports of the subscriber, on its I/O thread: handed to the control thread. */
    private final class Events implements RedisLink.Events {
        @Override
        public void subscriberDown() {
            TopicFeed f = feed;
            if (f != null) {
                f.pause();
            }
            onControl(RedisNode.this::subscriberDown);
        }

        @Override
        public void subscriberUp() {
            recoverSoon();
        }
    }
}
