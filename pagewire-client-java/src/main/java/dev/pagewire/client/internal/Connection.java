package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.ClientOptions;
import dev.pagewire.client.ConnectionState;
import dev.pagewire.client.ServerError;
import dev.pagewire.client.StateChange;
import dev.pagewire.client.Transport;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A page's connection as the client sees it: its links one after the other, the state machine of
 * docs/PROTOCOL.md §5 and §9 (reconnect with back-off, fallback before hello, final states), and
 * sending with the reliability of §10 through its {@link Sequencer}. What arrives after {@code
 * hello} is the {@link Receiver}'s to deliver.
 *
 * <p>Thread-safe: every piece of state is guarded by one lock, held only for short, non-blocking
 * work; links report from their I/O threads, timers from the timer thread, the application calls
 * from anywhere. Application code runs on the {@link Dispatcher}'s thread only.
 */
public final class Connection implements Link.Events, Wire {

    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
    private static final int PROTOCOL_VERSION = 1;
    private static final long DEFAULT_HEARTBEAT_MS = 15_000;
    /** The third {@code 4409} within this window means another copy of the page holds the token (§5). */
    private static final long REPLACED_WINDOW_MS = 60_000;
    private static final int MAX_REPLACED = 3;

    private final ReentrantLock lock = new ReentrantLock();
    private final HttpClient http;
    /** Whether {@link #http} was made for this connection, so it ends with it. */
    private final boolean ownsHttp;
    private final ScheduledThreadPoolExecutor timers;
    private final Negotiation negotiation;
    private final CallbackThread callbacks;
    private final Sequencer seq;
    private final ChannelEnd<StateChange> page;
    private final ChannelTable channels;
    private final Receiver receiver;

    // All guarded by lock.
    private ConnectionState state = ConnectionState.CONNECTING;
    private String pageId;
    private long heartbeat = DEFAULT_HEARTBEAT_MS;
    private Link link;
    private boolean greeted;
    private long openedWith;
    private boolean refusedTooLarge;
    private Future<?> probeTimer;
    private Future<?> retryTimer;
    private final Liveness liveness;
    private final Backoff backoff;
    /** When the last {@code 4409}s ended a connection (nanoTime, recent ones only). */
    private final List<Long> replacedAt = new ArrayList<>();

    public Connection(ClientOptions options, HttpClient http, boolean ownsHttp, PageLoader.Rendered rendered,
                      String name) {
        this.http = http;
        this.ownsHttp = ownsHttp;
        this.timers = new ScheduledThreadPoolExecutor(1, Thread.ofVirtual().name(name + "-timers").factory());
        timers.setRemoveOnCancelPolicy(true);
        this.negotiation = new Negotiation(options, http, rendered, timers);
        this.callbacks = new CallbackThread(name + "-callbacks");
        this.seq = new Sequencer(options.maxQueued(), this::later, this::sendControl);
        this.page = new ChannelEnd<>(0, this, callbacks);
        this.channels = new ChannelTable(this, callbacks);
        this.receiver = new Receiver(seq, page, channels, this::protocolError);
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
        return locked(() -> state);
    }

    public Transport transport() {
        return locked(() -> state == ConnectionState.CONNECTED && link != null ? link.transport() : null);
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
            if (state.isFinal()) {
                return;
            }
            Link current = link;
            link = null;
            if (current != null) {
                current.bye();
            }
            abandon(1000, "page closed");
            finish(ConnectionState.CLOSED, 1000, "");
        });
    }

    // ---- Sending ----

    @Override
    public void send(Sequencer.Encoder encoder, Runnable onDrop, String what) {
        lock.lock();
        try {
            if (state.isFinal()) {
                throw new IllegalStateException("cannot " + what + ": the channel is " + state.name().toLowerCase());
            }
            if (seq.full()) {
                throw new IllegalStateException("cannot " + what + ": the queue is full (" + seq.max()
                        + " frames wait for the server's ack while the channel is " + state.name().toLowerCase()
                        + "); raise maxQueued or send less");
            }
            seq.add(encoder, onDrop);
            pump();
        } finally {
            lock.unlock();
        }
    }

    private void pump() {
        if (greeted && link != null) {
            link.send(seq.unsent());
        }
    }

    private boolean sendControl(Outgoing frame) {
        if (!greeted || link == null) {
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
        String reason = "no " + (link.transport() == Transport.WEBSOCKET ? "hello" : "open frame")
                + " within " + negotiation.connectTimeout().toMillis() + " ms";
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
        negotiation.settled();
        backoff.reset();
        // Resent before the state change is announced, so what a "connected" listener emits goes
        // out after the frames that waited (§10.3).
        long serverAck = hello.path("ack").asLong(0);
        if (!receiver.acked(serverAck)) {
            return;
        }
        seq.resume(serverAck, openedWith);
        if (refusedTooLarge) {
            refusedTooLarge = false;
            long dropped = seq.dropOldest();
            if (dropped > 0) {
                page.dispatcher().error(new ServerError("message_too_large", "the server refused frame " + dropped
                        + " as larger than its maxMessageBytes (close 1009); it is not sent again"));
            }
        }
        pump();
        setState(ConnectionState.CONNECTED, 0, "");
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
            if (from != link) {
                return;
            }
            boolean wasGreeted = greeted;
            abandon(1000, "");
            if (code == 1009) {
                refusedTooLarge = true;
            }
            if (code == 4409 && mayTakeBack()) {
                // One of this client's own attempts reached the server late: resume on a fresh one.
                if (wasGreeted) {
                    retry(code, reason);
                } else {
                    giveUp(code, reason);
                }
                return;
            }
            ConnectionState last = switch (code) {
                case 4000, 4409 -> ConnectionState.CLOSED;
                case 4401, 4404 -> ConnectionState.EXPIRED;
                default -> null;
            };
            if (last != null) {
                finish(last, code, reason);
            } else if (!wasGreeted) {
                giveUp(code, reason);
            } else {
                retry(code, reason);
            }
        });
    }

    private boolean mayTakeBack() {
        long now = System.nanoTime();
        replacedAt.removeIf(at -> now - at >= TimeUnit.MILLISECONDS.toNanos(REPLACED_WINDOW_MS));
        replacedAt.add(now);
        return replacedAt.size() < MAX_REPLACED;
    }

    /** Lets go of the current connection and its timers, closing it with {@code code}. */
    private void abandon(int code, String reason) {
        Link current = link;
        link = null;
        greeted = false;
        cancel(probeTimer);
        probeTimer = null;
        liveness.stop();
        seq.pause();
        if (current != null) {
            current.close(code, reason);
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
        setState(ConnectionState.RECONNECTING, code, reason);
        cancel(retryTimer);
        retryTimer = later(backoff.next(), this::reopen);
    }

    /** Enters a final state: no connection, no timers, no kept frames, no calls waiting. */
    private void finish(ConnectionState last, int code, String reason) {
        cancel(retryTimer);
        retryTimer = null;
        seq.clear();
        setState(last, code, reason);
        page.end(last.name().toLowerCase());
        timers.shutdown();
        callbacks.shutdown();
        if (ownsHttp) {
            http.shutdown(); // lets a bye in flight complete
        }
    }

    private void setState(ConnectionState next, int code, String reason) {
        if (next == state) {
            return;
        }
        state = next;
        Transport transport = next == ConnectionState.CONNECTED && link != null ? link.transport() : null;
        page.dispatcher().state(new StateChange(next, code, reason == null ? "" : reason, transport));
        channels.follow(next, reason == null ? "" : reason);
    }

    // ---- Timers and the lock ----

    @Override
    public Future<?> later(long millis, Runnable task) {
        try {
            return timers.schedule(() -> locked(() -> {
                if (!state.isFinal()) {
                    task.run();
                }
            }), millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null); // over: nothing runs later
        }
    }

    private static void cancel(Future<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    @Override
    public <T> T locked(java.util.function.Supplier<T> task) {
        lock.lock();
        try {
            return task.get();
        } finally {
            lock.unlock();
        }
    }

    private void locked(Runnable task) {
        lock.lock();
        try {
            task.run();
        } finally {
            lock.unlock();
        }
    }
}
