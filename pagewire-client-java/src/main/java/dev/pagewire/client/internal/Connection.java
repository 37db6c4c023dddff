package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.ClientOptions;
import dev.pagewire.client.ConnectionState;
import dev.pagewire.client.ServerError;
import dev.pagewire.client.StateChange;
import dev.pagewire.client.Transport;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.Future;

/**
 * A page's connection as the client sees it: its links one after the other, the state machine of
 * docs/PROTOCOL.md §5 and §9 (reconnect with back-off, fallback before hello, final states), and
 * sending with the reliability of §10 through its {@link Sequencer}. What arrives after {@code
 * hello} is the {@link Receiver}'s to deliver.
 *
 * <p>Thread-safe: every piece of state is guarded by its {@link Guard}'s one lock; links report from
 * their I/O threads, timers from the timer thread, the application calls from anywhere.
 * Application code runs on the {@link CallbackThread} only.
 */
public final class Connection implements Link.Events, Wire {

    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
    private static final int PROTOCOL_VERSION = 1;
    private static final long DEFAULT_HEARTBEAT_MS = 15_000;

    private final Guard guard;
    private final HttpClient http;
    /** Whether {@link #http} was made for this connection, so it ends with it. */
    private final boolean ownsHttp;

    private final Negotiation negotiation;
    private final CallbackThread callbacks;
    private final Sequencer seq;
    private final ChannelEnd<StateChange> page;
    private final ChannelTable channels;
    private final Receiver receiver;
    private final Lifecycle lifecycle;

    // All guarded by lock.
    private String pageId;
    private long heartbeat = DEFAULT_HEARTBEAT_MS;
    private Link link;
    private boolean greeted;
    private long openedWith;
    private Future<?> probeTimer;
    private Future<?> retryTimer;
    private Future<?> upgradeTimer;
    /** An upgrade from the fallback {@link #link} to WebSocket in progress (§9.5), or null. */
    private Upgrade upgrade;

    private final Liveness liveness;
    private final Backoff backoff;
    private final CloseCodes closeCodes = new CloseCodes();

    public Connection(
            ClientOptions options, HttpClient http, boolean ownsHttp, PageLoader.Rendered rendered, String name) {
        this.http = http;
        this.ownsHttp = ownsHttp;
        this.guard = new Guard(name);
        this.negotiation = new Negotiation(options, http, rendered, guard.timers());
        this.callbacks = new CallbackThread(name + "-callbacks");
        this.seq = new Sequencer(options.maxQueued(), this::later, this::sendControl);
        this.page = new ChannelEnd<>(0, this, callbacks);
        this.channels = new ChannelTable(this, callbacks);
        this.receiver = new Receiver(seq, page, channels, this::protocolError);
        this.lifecycle = new Lifecycle(page, channels, seq, guard, callbacks, ownsHttp ? http : null);
        this.liveness = new Liveness(this::later);
        this.backoff = new Backoff(options.initialDelay(), options.maxDelay());
    }

    /** The page's own channel: on an endpoint connection (§12.2), the endpoint instance. */
    public ChannelEnd<StateChange> page() {
        return page;
    }

    /** The page's channels to endpoints (§12.1). */
    public ChannelTable channels() {
        return channels;
    }

    public void start() {
        locked(this::reopen);
    }

    public ConnectionState state() {
        return lifecycle.state();
    }

    public Transport transport() {
        return locked(() -> lifecycle.state() == ConnectionState.CONNECTED && link != null ? link.transport() : null);
    }

    public String pageId() {
        return locked(() -> pageId);
    }

    /** How many data frames wait for the server's ack (or to be sent). */
    public int queued() {
        return locked(() -> seq.size());
    }

    /** Says bye to the server (it closes the page now) and ends the channel for good. */
    public void close() {
        locked(() -> {
            if (lifecycle.isFinal()) {
                return;
            }
            // The bye goes where the server reads: the upgrade's WebSocket once it said hello (§9.5).
            Link reading = upgrade != null && upgrade.greeted() ? upgrade.socket() : link;
            if (reading == link) {
                link = null;
            }
            if (reading != null) {
                reading.bye();
            }
            abandon(1000, "page closed");
            finish(ConnectionState.CLOSED, 1000, "");
        });
    }

    // ---- Sending ----

    @Override
    public void send(Sequencer.Encoder encoder, Runnable onDrop, String what) {
        locked(() -> {
            ConnectionState state = lifecycle.state();
            if (state.isFinal()) {
                throw new IllegalStateException(
                        "cannot " + what + ": the channel is " + state.name().toLowerCase());
            }
            if (seq.full()) {
                throw new IllegalStateException("cannot " + what + ": the queue is full (" + seq.max()
                        + " frames wait for the server's ack while the channel is "
                        + (upgrade != null
                                ? "switching to WebSocket"
                                : state.name().toLowerCase())
                        + "); raise maxQueued or send less");
            }
            seq.add(encoder, onDrop);
            pump();
        });
    }

    /** Sends what waits, unless there is no connection or an upgrade holds frames back (§9.5). */
    private void pump() {
        if (greeted && link != null && upgrade == null) {
            link.send(seq.unsent());
        }
    }

    private boolean sendControl(Outgoing frame) {
        if (!greeted || link == null || upgrade != null) {
            return false;
        }
        link.send(List.of(frame));
        return true;
    }

    // ---- Connections (§9) ----

    private void reopen() {
        cancel(retryTimer);
        retryTimer = null;
        negotiation.restart();
        tryNext();
    }

    private void tryNext() {
        greeted = false;
        openedWith = seq.received();
        link = negotiation.next(openedWith, this);
        armLiveness();
        if (negotiation.hasNext()) {
            probeTimer = later(negotiation.connectTimeout().toMillis(), this::onProbeTimeout);
        }
        link.start();
    }

    private void onProbeTimeout() {
        probeTimer = null;
        if (link == null || greeted) {
            return;
        }
        String reason = "no " + (link.transport() == Transport.WEBSOCKET ? "hello" : "open frame") + " within "
                + negotiation.connectTimeout().toMillis() + " ms";
        abandon(4408, reason);
        giveUp(4408, reason);
    }

    private void giveUp(int code, String reason) {
        if (negotiation.hasNext()) {
            tryNext();
        } else {
            retry(code, reason);
        }
    }

    // ---- Frames from the server ----

    @Override
    public void open(Link from) {
        locked(() -> {
            if (from == link) {
                cancel(probeTimer);
                probeTimer = null;
            }
        });
    }

    @Override
    public void frame(Link from, Inbound frame) {
        locked(() -> {
            if (upgrade != null && from == upgrade.socket()) {
                liveness.heard();
                upgrade.frame(frame);
                return;
            }
            if (from != link) {
                return;
            }
            liveness.heard();
            switch (frame.type()) {
                case "ping" -> from.send(List.of(Outgoing.PONG)); // on the connection that asked
                case "hello" -> onHello(frame.at(1));
                default -> receiver.receive(frame);
            }
        });
    }

    private void onHello(JsonNode hello) {
        if (hello.path("v").asInt(-1) != PROTOCOL_VERSION) {
            String reason = "unsupported protocol version " + hello.path("v");
            abandon(1000, reason);
            finish(ConnectionState.EXPIRED, 1002, reason);
            return;
        }
        if (hello.path("page").isTextual()) {
            pageId = hello.path("page").textValue();
        }
        long beat = hello.path("heartbeat").asLong(0);
        heartbeat = beat > 0 ? beat : DEFAULT_HEARTBEAT_MS;
        armLiveness(); // the deadline armed before hello assumed the default heartbeat
        if (greeted) {
            return; // a second hello on one connection changes nothing else
        }
        cancel(probeTimer);
        probeTimer = null;
        greeted = true;
        negotiation.settled(link.transport());
        backoff.reset();
        // Resent before the state change is announced, so what a "connected" listener emits goes
        // out after the frames that waited (§10.3).
        long serverAck = hello.path("ack").asLong(0);
        if (!receiver.acked(serverAck)) {
            return;
        }
        long dropped = seq.resume(serverAck, openedWith);
        if (dropped > 0) {
            page.dispatcher()
                    .error(new ServerError(
                            "message_too_large",
                            "the server refused frame " + dropped
                                    + " as larger than its maxMessageBytes (close 1009); it is not sent again"));
        }
        pump();
        lifecycle.set(ConnectionState.CONNECTED, 0, "", link.transport());
        if (link != null && negotiation.mayUpgrade(link.transport())) {
            cancel(upgradeTimer);
            upgradeTimer = later(negotiation.upgradeDelay().toMillis(), this::beginUpgrade);
        }
    }

    // ---- Upgrade from a fallback to WebSocket (§9.5) ----

    private void beginUpgrade() {
        upgradeTimer = null;
        if (lifecycle.state() != ConnectionState.CONNECTED || !greeted || link == null || upgrade != null) {
            return;
        }
        upgrade = new Upgrade(link, negotiation, seq, this, this, this::switchOver, this::upgradeFailed);
        upgrade.begin();
    }

    /** The WebSocket said hello and the fallback has ended: the WebSocket takes over, frames in order. */
    private void switchOver(Upgrade done) {
        upgrade = null;
        link = done.socket();
        openedWith = done.openedWith();
        greeted = false;
        onHello(done.hello()); // resumes where the WebSocket's hello says the server is, sends what was held
        for (Inbound frame : done.buffered()) {
            if (link != done.socket()) {
                return; // a gap ended the connection, or the client closed
            }
            receiver.receive(frame);
        }
        if (link != done.socket()) {
            return;
        }
        page.dispatcher().transport(Transport.WEBSOCKET);
        if (done.socketEnded()) {
            end(done.socket(), done.socketCode(), done.socketReason());
        }
    }

    /** The WebSocket did not say hello: back to POSTing over the fallback, and another try later. */
    private void upgradeFailed(Upgrade failed, boolean fallbackEnded, int code, String reason) {
        upgrade = null;
        if (fallbackEnded) {
            abandon(1000, ""); // the fallback is gone as well: the server may have replaced it by this WebSocket
            retry(code, reason);
            return;
        }
        negotiation.upgradeFailed(link.transport());
        pump(); // what was held goes over the fallback after all
        seq.flushAck();
        upgradeTimer = later(negotiation.upgradeDelay().toMillis(), this::beginUpgrade);
    }

    /** Ends the connection for a malformed or out-of-order frame and reconnects (§10.3). */
    private void protocolError(String reason) {
        LOG.log(Level.WARNING, "pagewire: " + reason + "; reconnecting");
        abandon(4400, reason);
        retry(4400, reason);
    }

    // ---- Ends of connections (§5) ----

    @Override
    public void end(Link from, int code, String reason) {
        locked(() -> {
            if (upgrade != null && from == upgrade.socket()) {
                upgrade.socketEnded(code, reason);
                return;
            }
            if (from != link || (upgrade != null && upgrade.fallbackEnded(code))) {
                return;
            }
            boolean wasGreeted = greeted;
            abandon(1000, "");
            if (code == 1009) {
                seq.refusedTooLarge();
            }
            ConnectionState last = closeCodes.finalState(code);
            if (last != null) {
                finish(last, code, reason);
            } else if (!wasGreeted) {
                giveUp(code, reason);
            } else {
                retry(code, reason);
            }
        });
    }

    /** Lets go of the current connection and its timers, closing it with {@code code}. */
    private void abandon(int code, String reason) {
        Link current = link;
        link = null;
        greeted = false;
        cancel(probeTimer);
        probeTimer = null;
        cancel(upgradeTimer);
        upgradeTimer = null;
        liveness.stop();
        seq.pause();
        if (current != null) {
            current.close(code, reason);
        }
        if (upgrade != null) {
            upgrade.cancel();
            upgrade = null;
        }
    }

    private void armLiveness() {
        Link watched = link;
        liveness.watch(heartbeat, () -> {
            if (link != watched) {
                return;
            }
            String reason = "nothing received from the server for " + liveness.timeoutMillis() + " ms";
            abandon(4408, reason);
            retry(4408, reason);
        });
    }

    private void retry(int code, String reason) {
        lifecycle.set(ConnectionState.RECONNECTING, code, reason, null);
        cancel(retryTimer);
        retryTimer = later(backoff.next(), this::reopen);
    }

    /** Enters a final state: no connection, no timers, no kept frames, no calls waiting. */
    private void finish(ConnectionState last, int code, String reason) {
        cancel(retryTimer);
        retryTimer = null;
        lifecycle.finish(last, code, reason);
    }

    // ---- Timers and the lock ----

    @Override
    public Future<?> later(long millis, Runnable task) {
        return guard.later(millis, task);
    }

    @Override
    public <T> T locked(java.util.function.Supplier<T> task) {
        return guard.locked(task);
    }

    private void locked(Runnable task) {
        guard.locked(task);
    }

    private static void cancel(Future<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
