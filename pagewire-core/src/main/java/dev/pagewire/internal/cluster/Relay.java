package dev.pagewire.internal.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.backplane.Backplane;
import dev.pagewire.internal.App;
import dev.pagewire.internal.Counts;
import dev.pagewire.spi.HttpExchange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a request for a page that another node owns to that node, and its answer back
 * (docs/CLUSTER.md): the node that received the request (the edge) opens a tunnel to the owner; the
 * owner handles the request as if it had received it, through an exchange whose answers travel back;
 * the edge writes them to the client. A WebSocket ends at the edge, which relays its messages both
 * ways; a fallback request is relayed whole, so a long-poll or POST may land on any node. Pages and
 * their state never move.
 *
 * <p>Messages to one node are numbered on their link; a gap (the backplane lost some) or a lost link
 * ends every tunnel between the two nodes, whose clients then reconnect and resume through the
 * protocol's own sequence numbers: nothing is lost or doubled. Thread-safe; never blocks.
 */
public final class Relay {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    static final int OPEN = 1;
    static final int IN_TEXT = 2;
    static final int IN_BINARY = 3;
    static final int EDGE_END = 4;
    static final int RESPOND = 10;
    static final int STREAM = 11;
    static final int WRITE = 12;
    static final int STREAM_END = 13;
    static final int FRAME = 14;
    static final int CLOSE = 15;
    static final int OWNER_END = 16;
    static final int RESET = 20;
    static final int PAGE_EMIT = 30;
    static final int PAGE_CALL = 31;
    static final int PAGE_REPLY = 32;
    static final int PAGE_CLOSE = 33;
    static final int BATCH = 40;

    /**
     * What a batch holds before it leaves early, so that the receiving node starts on the first
     * frames of a large broadcast while this one still encodes the rest.
     */
    static final int BATCH_BYTES = 16 * 1024;

    /** The links whose messages the current thread's {@link #batching} holds back. */
    private static final ThreadLocal<List<Link>> BATCHING = new ThreadLocal<>();

    private final App app;
    private final Map<Integer, Link> links = new ConcurrentHashMap<>();
    private final AtomicLong tunnelIds = new AtomicLong();
    private final RemotePages pages;

    public Relay(App app) {
        this.app = app;
        this.pages = new RemotePages(this);
    }

    App app() {
        return app;
    }

    /**
     * Runs {@code task} soon on the protocol's timer, never inside the caller's call (the SPI's
     * callbacks must not be); on a virtual thread once the timer has shut down.
     */
    void defer(Runnable task) {
        try {
            app.scheduler().execute(task);
        } catch (RejectedExecutionException e) {
            Thread.ofVirtual().name("pagewire-relay-end").start(task);
        }
    }

    Backplane backplane() {
        return app.backplane();
    }

    /**
     * Where a channel request for page {@code pageId} must go: {@code 0} when this node handles it
     * (the page is this node's, the application runs alone, or the owner is gone, so that this node
     * answers "page expired" itself), else the owner's number.
     */
    public int ownerElsewhere(String pageId) {
        int owner = app.ownerOf(pageId);
        if (owner == 0 || owner == app.node()) {
            return 0;
        }
        return app.backplane().state(owner) == Backplane.NodeState.GONE ? 0 : owner;
    }

    /**
     * Passes {@code exchange} on to node {@code owner}, which answers it through this node. A
     * WebSocket upgrade is accepted here and its messages relayed.
     */
    public void forward(HttpExchange exchange, int owner, boolean webSocket) {
        Link link = link(owner);
        EdgeTunnel tunnel = new EdgeTunnel(this, link, tunnelIds.incrementAndGet(), exchange);
        link.edges.put(tunnel.id(), tunnel);
        if (webSocket) {
            exchange.upgrade(tunnel::openWebSocket);
        } else {
            tunnel.sendOpen(false);
        }
    }

    /** Emits to page {@code pageId} on node {@code owner}: JSON text, or a binary event's bytes. */
    public void emit(int owner, String pageId, String event, boolean binary, byte[] payload) {
        pages.emit(link(owner), pageId, event, binary, payload);
    }

    /** Calls the browser of page {@code pageId} on node {@code owner}; {@code args} is JSON text. */
    public CompletableFuture<JsonNode> call(int owner, String pageId, String name, byte[] args, Duration timeout) {
        return pages.call(link(owner), pageId, name, args, timeout);
    }

    /** Closes page {@code pageId} on node {@code owner}. */
    public void close(int owner, String pageId) {
        pages.close(link(owner), pageId);
    }

    /**
     * Runs {@code work}, holding back the messages it sends to each node and sending them as one
     * message per node (or one per {@link #BATCH_BYTES}) when it ends: a broadcast to pages whose
     * connections other nodes relay costs the backplane one message per node, not one per page.
     * Messages other threads send meanwhile on those links join the batch, so each link keeps its
     * order. Nested calls join the outermost.
     */
    public void batching(Runnable work) {
        if (BATCHING.get() != null) {
            work.run();
            return;
        }
        List<Link> held = new ArrayList<>();
        BATCHING.set(held);
        try {
            work.run();
        } finally {
            BATCHING.remove();
            for (Link link : held) {
                link.release();
            }
        }
    }

    /** See {@link dev.pagewire.backplane.Cluster#received}. */
    public void received(int from, byte[] message) {
        app.counts().relayMessage(Counts.INBOUND, message.length);
        read(link(from), message);
    }

    private void read(Link link, byte[] message) {
        Wire.Reader in;
        try {
            in = new Wire.Reader(message);
        } catch (Wire.Malformed e) {
            log.error("node {} sent a relay message that cannot be read: {}", link.peer, e.getMessage());
            return;
        }
        if (in.type != BATCH) {
            read(link, in);
            return;
        }
        try {
            for (int n = in.i32(); n > 0; n--) {
                in.enter();
                read(link, in);
                in.leave();
            }
        } catch (Wire.Malformed e) {
            log.error("node {} sent a batch of relay messages that cannot be read: {}", link.peer, e.getMessage());
        }
    }

    private void read(Link link, Wire.Reader in) {
        int from = link.peer;
        long expected = link.expected();
        if (!link.inOrder(in.seq)) {
            log.warn(
                    "relay messages from node {} were lost (expected number {}, got {}): its tunnels start over",
                    from,
                    expected,
                    in.seq);
            lost(link, true);
        }
        try {
            dispatch(link, in);
        } catch (Wire.Malformed e) {
            log.error("node {} sent a relay message of type {} that cannot be read: {}", from, in.type, e.getMessage());
        } catch (RuntimeException e) {
            log.error("relay message of type {} from node {} failed", in.type, from, e);
        }
    }

    private void dispatch(Link link, Wire.Reader in) {
        switch (in.type) {
            case OPEN -> {
                OwnerTunnel tunnel = new OwnerTunnel(this, link, in.tunnel);
                OwnerTunnel previous = link.owned.putIfAbsent(in.tunnel, tunnel);
                if (previous != null) {
                    log.error("node {} opened tunnel {} twice", link.peer, in.tunnel);
                    return;
                }
                tunnel.open(in);
            }
            case IN_TEXT, IN_BINARY, EDGE_END -> {
                OwnerTunnel tunnel = link.owned.get(in.tunnel);
                if (tunnel != null) {
                    tunnel.fromEdge(in);
                } else if (in.type != EDGE_END) {
                    link.send(new Wire.Writer(OWNER_END, in.tunnel, 0)); // the edge keeps nothing for it
                }
            }
            case RESPOND, STREAM, WRITE, STREAM_END, FRAME, CLOSE, OWNER_END -> {
                EdgeTunnel tunnel = link.edges.get(in.tunnel);
                if (tunnel != null) {
                    tunnel.fromOwner(in);
                } else if (in.type != OWNER_END && in.type != RESPOND && in.type != STREAM_END && in.type != CLOSE) {
                    link.send(new Wire.Writer(EDGE_END, in.tunnel, 0)); // the owner keeps nothing for it
                }
            }
            case PAGE_EMIT, PAGE_CALL, PAGE_REPLY, PAGE_CLOSE -> pages.received(link, in);
            case RESET -> lost(link, false);
            default -> log.error("node {} sent a relay message of unknown type {}", link.peer, in.type);
        }
    }

    /** See {@link dev.pagewire.backplane.Cluster#linkLost}. */
    public void linkLost(int node) {
        Link link = links.get(node);
        if (link != null) {
            lost(link, true);
        }
    }

    /**
     * See {@link dev.pagewire.backplane.Cluster#nodeGone}: the clients whose connections this node
     * relays to {@code node} learn that their page expired; what {@code node} relayed to this node
     * ends as if its clients went away.
     */
    public void nodeGone(int node) {
        pages.lost(node);
        Link link = links.remove(node);
        if (link == null) {
            return;
        }
        for (EdgeTunnel tunnel : link.edges.values()) {
            tunnel.nodeGone();
        }
        for (OwnerTunnel tunnel : link.owned.values()) {
            tunnel.linkLost();
        }
    }

    /** Ends every tunnel of {@code link}; tells the peer to do the same if {@code tellPeer}. */
    private void lost(Link link, boolean tellPeer) {
        pages.lost(link.peer);
        int ended = 0;
        for (EdgeTunnel tunnel : link.edges.values()) {
            tunnel.linkLost();
            ended++;
        }
        for (OwnerTunnel tunnel : link.owned.values()) {
            tunnel.linkLost();
            ended++;
        }
        if (ended > 0) {
            log.info(
                    "the link to node {} was lost: {} relayed connections end, their clients reconnect",
                    link.peer,
                    ended);
        }
        if (tellPeer && backplane().state(link.peer) != Backplane.NodeState.GONE) {
            link.send(new Wire.Writer(RESET, 0, 0));
        }
    }

    private Link link(int node) {
        return links.computeIfAbsent(node, n -> new Link(n, backplane(), app.counts()));
    }

    /** Tunnels open now through this node, as edge and as owner (tests, diagnostics). */
    public int tunnels() {
        int n = 0;
        for (Link link : links.values()) {
            n += link.edges.size() + link.owned.size();
        }
        return n;
    }

    /** Links to other nodes: numbering both ways, and the tunnels on each side. */
    static final class Link {
        final int peer;
        private final Backplane backplane;
        private final Counts counts;
        final Map<Long, EdgeTunnel> edges = new ConcurrentHashMap<>();
        final Map<Long, OwnerTunnel> owned = new ConcurrentHashMap<>();
        private long sent; // guarded by this
        private Wire.Batch held; // guarded by this; not null while a batch holds this link's messages
        private long expected = 1; // guarded by received's one-at-a-time delivery, read elsewhere

        Link(int peer, Backplane backplane, Counts counts) {
            this.peer = peer;
            this.backplane = backplane;
            this.counts = counts;
        }

        /** Hands a message (or a batch of them) to the backplane: one relay message in metrics. */
        private void toBackplane(byte[] message) {
            counts.relayMessage(Counts.OUTBOUND, message.length);
            backplane.send(peer, message);
        }

        /**
         * Numbers and sends a message, or holds it while a {@link #batching batch} holds this link;
         * messages of one link leave in the order of these calls.
         */
        synchronized void send(Wire.Writer message) {
            message.number(++sent);
            Wire.Batch batch = holding();
            if (batch == null) {
                toBackplane(message.bytes());
                return;
            }
            batch.add(message);
            sendIfFull();
        }

        /**
         * Sends a WebSocket frame to the edge of {@code tunnel} as {@link #send} would; inside a
         * batch, written straight into it (a broadcast's frames to relayed pages: no writer each).
         */
        synchronized void frame(long tunnel, boolean binary, byte[] payload) {
            Wire.Batch batch = holding();
            if (batch == null) {
                send(new Wire.Writer(FRAME, tunnel, payload.length)
                        .i8(binary ? 1 : 0)
                        .bytes(payload));
                return;
            }
            batch.frame(++sent, tunnel, binary, payload);
            sendIfFull();
        }

        /** The batch that holds this link's messages now, begun if the thread's batching has none yet. */
        private Wire.Batch holding() {
            if (held == null) {
                List<Link> batching = BATCHING.get();
                if (batching == null) {
                    return null;
                }
                held = new Wire.Batch(BATCH_BYTES + 1024);
                batching.add(this);
            }
            return held;
        }

        private void sendIfFull() {
            if (held.size() >= BATCH_BYTES) {
                toBackplane(held.bytes());
                held = new Wire.Batch(BATCH_BYTES + 1024);
            }
        }

        /** Sends what the batch that ends now held. */
        synchronized void release() {
            if (held != null) {
                if (held.count() > 0) {
                    toBackplane(held.bytes());
                }
                held = null;
            }
        }

        /** Whether {@code seq} is the next number expected; moves on past it either way. */
        boolean inOrder(long seq) {
            boolean next = seq == expected;
            expected = seq + 1;
            return next;
        }

        long expected() {
            return expected;
        }
    }
}
