package dev.pagewire.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.internal.protocol.DataFrame;
import dev.pagewire.internal.protocol.Frame;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.Connection;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live {@link Page}: its lifecycle, numbered outbound and inbound sides ({@link Outbox},
 * {@link Receipts}), and the channels it opened to endpoints ({@link PageChannels}). What it does
 * as a {@link dev.pagewire.Channel} like those channels (handlers, calls, emits, topics) is in
 * {@link AbstractChannel}. State transitions hold the page's monitor briefly; handlers and hooks
 * run on the page's {@link Handlers}' mailbox.
 */
final class LivePage extends AbstractChannel implements Page {

    private static final Logger log = LoggerFactory.getLogger(LivePage.class);

    /** The least time between two pongs on one connection (docs/PROTOCOL.md §4). */
    private static final long PONG_INTERVAL_NANOS = 1_000_000_000L;

    enum State {
        NEW,
        CONNECTED,
        DISCONNECTED,
        CLOSED
    }

    private final App app;
    private final String id;
    private final String path;
    private final JsonNode params;
    private final Outbox outbox;
    private final Receipts receipts;
    private final PageChannels channels;
    private final Hooks connectHooks = new Hooks();
    private final Hooks disconnectHooks = new Hooks();
    private final Hooks closeHooks = new Hooks();
    private final long createdNanos = System.nanoTime();

    private volatile State state = State.NEW;
    private volatile long disconnectedNanos;
    private volatile long lastReceivedNanos = System.nanoTime();
    private volatile long lastPingNanos = System.nanoTime();
    /** The {@link Counts#TRANSPORTS} index of the last connection attached, or -1: fallbacks, upgrades. */
    private int lastTransport = -1; // guarded by this

    private Connection lastPongTo; // guarded by this
    private long lastPongNanos; // guarded by this

    LivePage(App app, String id, String path) {
        this(app, id, path, NullNode.getInstance());
    }

    /** A page; {@code params} are those of an endpoint connection's open (docs/PROTOCOL.md §12.2). */
    LivePage(App app, String id, String path, JsonNode params) {
        super(app, true, new LogContext(id, null, app::node)); // a member of its topics once a browser connects
        this.app = app;
        this.id = id;
        this.path = path;
        this.params = Objects.requireNonNull(params, "params");
        var s = app.settings();
        this.receipts = new Receipts(app.scheduler(), this::sendAck);
        this.outbox = new Outbox(
                app.codec(), s.maxOutboundBytes(), s.maxReplayFrames(), s.maxReplayBytes(), receipts, app.counts());
        this.channels = new PageChannels(this);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public JsonNode params() {
        return params;
    }

    @Override
    public Page page() {
        return this;
    }

    @Override
    public String memberId() {
        return id;
    }

    @Override
    public void onConnect(Runnable hook) {
        connectHooks.add(hook);
    }

    @Override
    public void onDisconnect(Runnable hook) {
        disconnectHooks.add(hook);
    }

    @Override
    public void onClose(Runnable hook) {
        closeHooks.add(hook);
    }

    @Override
    public boolean isConnected() {
        return state == State.CONNECTED;
    }

    @Override
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    @Override
    public String transport() {
        Connection c = outbox.connection();
        return c == null ? null : c.transport();
    }

    @Override
    public Pagewire app() {
        return app;
    }

    @Override
    public void close() {
        close(CloseCodes.PAGE_CLOSED, "page closed by the server");
    }

    @Override
    public String toString() {
        return "Page[" + id + " " + path + " " + state + "]";
    }

    State state() {
        return state;
    }

    /**
     * Sends a data frame (an emit, an error, a call, a reply or a topic broadcast): numbered and kept
     * for resume; a connection past the outbound limit is closed, the page keeps the frame.
     */
    @Override
    public void send(DataFrame frame) {
        if (state == State.CLOSED) {
            return;
        }
        Connection shed = outbox.send(frame);
        if (shed != null) {
            shedSlow(shed);
        }
    }

    private void shedSlow(Connection slow) {
        String reason = "slow consumer: over " + app.settings().maxOutboundBytes() + " bytes queued";
        app.counts().closed(CloseCodes.SLOW_CONSUMER, reason, path);
        slow.close(CloseCodes.SLOW_CONSUMER, reason);
        markDisconnected();
    }

    /**
     * Attaches a connection (first connect or reconnect) whose browser has every data frame up to
     * {@code clientAck}, and resumes from there (docs/PROTOCOL.md §10.3).
     */
    Attachment attach(Connection connection, long clientAck) {
        Outbox.Attached attached;
        int previous;
        int transport = Counts.transport(connection.transport());
        synchronized (this) {
            if (state == State.CLOSED) {
                return new Attachment.Refused(CloseCodes.PAGE_GONE, "page expired");
            }
            long heartbeat = app.settings().heartbeatInterval().toMillis();
            attached = outbox.attach(connection, clientAck, ack -> app.codec().hello(id, heartbeat, ack));
            if (attached == null) {
                return new Attachment.Refused(
                        CloseCodes.BAD_FRAME,
                        "ack " + clientAck + " is above the last frame sent (" + outbox.lastSeq() + ")");
            }
            state = State.CONNECTED;
            lastReceivedNanos = System.nanoTime();
            previous = lastTransport;
            lastTransport = transport;
        }
        countAttach(previous, transport, attached);
        // The first connection makes the page a member of the topics it joined (idempotent after).
        topics.reveal();
        if (attached.replaced() != null) {
            String reason = "replaced by a newer connection";
            app.counts().closed(CloseCodes.REPLACED, reason, path);
            attached.replaced().close(CloseCodes.REPLACED, reason);
            handlers.runHooks(disconnectHooks, "disconnect");
        }
        handlers.runHooks(connectHooks, "connect");
        if (attached.slow()) {
            shedSlow(connection);
        }
        return new Attachment.Accepted(new PageSession(this, connection));
    }

    /**
     * Counts an attached connection: a fallback when it is SSE or long-polling and the page had no
     * connection before or a better one, an upgrade when WebSocket follows a fallback, a resume when
     * the page had a connection before.
     */
    private void countAttach(int previous, int transport, Outbox.Attached attached) {
        Counts counts = app.counts();
        counts.connectionsOpened[transport].increment();
        counts.framesMissed.add(attached.missed());
        boolean fallback = transport == Counts.SSE || transport == Counts.LONG_POLLING;
        if (previous < 0) {
            if (fallback) {
                counts.fallbacks[(transport - Counts.SSE) * 3 + Counts.FIRST_CONNECTION].increment();
            }
            return;
        }
        counts.resumes.increment();
        counts.framesReplayed.add(attached.replayed());
        if (fallback && previous == Counts.WEBSOCKET) {
            counts.fallbacks[(transport - Counts.SSE) * 3 + Counts.WEBSOCKET_LOST].increment();
        } else if (transport == Counts.LONG_POLLING && previous == Counts.SSE) {
            counts.fallbacks[(Counts.LONG_POLLING - Counts.SSE) * 3 + Counts.SSE_LOST].increment();
        } else if (transport == Counts.WEBSOCKET && (previous == Counts.SSE || previous == Counts.LONG_POLLING)) {
            counts.upgrades[previous - Counts.SSE].increment();
        }
    }

    /** A connection ended; if it was the attached one, the page waits for a reconnect. */
    void detached(Connection connection) {
        if (outbox.detach(connection)) {
            markDisconnected();
        }
    }

    private void markDisconnected() {
        synchronized (this) {
            if (state != State.CONNECTED || outbox.connection() != null) {
                return;
            }
            state = State.DISCONNECTED;
            disconnectedNanos = System.nanoTime();
        }
        handlers.runHooks(disconnectHooks, "disconnect");
    }

    /** Closes {@code connection} with a code and keeps the page for a reconnect. */
    void dropped(Connection connection, int code, String reason) {
        app.counts().closed(code, reason, path);
        connection.close(code, reason);
        detached(connection);
    }

    /** Closes the page for good: closes its connection, leaves its topics, runs close hooks. */
    void close(int code, String reason) {
        Connection c;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            c = outbox.detachAll();
        }
        handlers.closeCalls();
        if (c != null) {
            app.counts().closed(code, reason, path);
            c.close(code, reason);
        }
        channels.closeAll();
        topics.leaveAll();
        app.pages().remove(this);
        handlers.runHooks(closeHooks, "close");
    }

    /** Called by the timer: heartbeats, dead peers, grace period and first-connect deadline. */
    void tick(long now) {
        var s = app.settings();
        switch (state) {
            case NEW -> {
                if (now - createdNanos > s.tokenTtl().toNanos()) {
                    close(CloseCodes.PAGE_GONE, "never connected");
                }
            }
            case CONNECTED -> {
                Connection c = outbox.connection();
                if (c == null) {
                    return;
                }
                if (now - lastReceivedNanos > s.idleTimeout().toNanos()) {
                    dropped(
                            c,
                            CloseCodes.IDLE_TIMEOUT,
                            "nothing received for " + s.idleTimeout().toSeconds() + " s");
                } else if (heartbeatDue(now, s.heartbeatInterval().toNanos())) {
                    lastPingNanos = now;
                    Connection shed = outbox.control(c, app.codec().ping());
                    if (shed != null) {
                        shedSlow(shed);
                    }
                }
            }
            case DISCONNECTED -> {
                if (now - disconnectedNanos > s.closeGracePeriod().toNanos()) {
                    close(CloseCodes.PAGE_GONE, "grace period over");
                }
            }
            case CLOSED -> {}
        }
    }

    /**
     * A ping is due when this side has been silent for a heartbeat interval (to keep proxies from
     * timing the connection out) or the client has been (a client answers pings, which proves it is
     * alive even when it has nothing else to say), at most once per interval.
     */
    private boolean heartbeatDue(long now, long interval) {
        if (now - lastPingNanos < interval) {
            return false;
        }
        return now - outbox.lastSentNanos() >= interval || now - lastReceivedNanos >= interval;
    }

    void received() {
        lastReceivedNanos = System.nanoTime();
    }

    /**
     * Answers a client's {@code ["ping"]} on {@code c}, at most once a second per connection
     * (docs/PROTOCOL.md §4): the client pings to learn that the server is alive, which one pong
     * tells; a thousand pings in one POST must not make a thousand answers.
     */
    void pong(Connection c) {
        long now = System.nanoTime();
        synchronized (this) {
            if (c == lastPongTo && now - lastPongNanos < PONG_INTERVAL_NANOS) {
                return;
            }
            lastPongTo = c;
            lastPongNanos = now;
        }
        Connection shed = outbox.control(c, app.codec().pong());
        if (shed != null) {
            shedSlow(shed);
        }
    }

    /** The browser acknowledged every data frame up to {@code ack}; {@code false} if beyond what was sent. */
    boolean acked(long ack) {
        return outbox.acked(ack);
    }

    /**
     * Takes a numbered inbound data frame: delivers it with {@code deliver} when it is the next one,
     * drops a duplicate, and makes an ack due (docs/PROTOCOL.md §10.2, §10.3).
     */
    Receipts.Verdict receive(long seq, BooleanSupplier deliver) {
        return receipts.receive(seq, deliver);
    }

    private void sendAck() {
        Connection shed = outbox.flushAck();
        if (shed != null) {
            shedSlow(shed);
        }
    }

    /** Delayed ack flushes that ran (tests). */
    int ackFlushes() {
        return receipts.flushes();
    }

    /** Events and calls queued for the handlers of this page and its channels now (metrics). */
    int queued() {
        return handlers.queued() + channels.queued();
    }

    Outbox outbox() {
        return outbox;
    }

    PageCalls calls() {
        return handlers.calls();
    }

    /** The application, with its internals (the public {@link #app()} is its API). */
    @Override
    App application() {
        return app;
    }

    /**
     * Queues an event or call of the page's own channel for its handler, or takes a reply;
     * {@code false} if the mailbox is full.
     */
    boolean deliver(Frame.Message message) {
        return handlers.deliver(message);
    }

    /** The channels this page opened to endpoints (docs/PROTOCOL.md §12.1). */
    PageChannels channels() {
        return channels;
    }

    /** An endpoint channel closed and is to be forgotten. */
    void forget(EndpointChannel channel) {
        channels.forget(channel);
    }
}
