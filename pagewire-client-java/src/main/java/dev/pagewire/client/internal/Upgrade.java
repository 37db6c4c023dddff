package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * One upgrade of a connection on a fallback to WebSocket (docs/PROTOCOL.md §9.5), without loss or
 * reordering: the connection holds its frames from the start; the WebSocket opens once the
 * fallback has no POST in flight and nothing waiting (so the server has every earlier frame
 * before it switches); after the WebSocket's {@code hello} the fallback is read to its end (its
 * {@code close 4409}, or its breaking), for at most {@code connectTimeout}, while the WebSocket's
 * frames are buffered; then the connection switches over and dispatches them (the server's
 * replays among them are dropped as duplicates). A WebSocket that fails before its {@code hello}
 * fails the upgrade; one that ends after it is acted on once the fallback has ended.
 *
 * <p>Not thread-safe: runs under the connection's lock; the fallback's drain comes from an I/O
 * thread and takes the lock first.
 */
final class Upgrade {

    /** The connection's answer to an upgrade that failed; {@code fallbackEnded} says whether the fallback is gone too. */
    @FunctionalInterface
    interface Failed {
        void failed(Upgrade upgrade, boolean fallbackEnded, int code, String reason);
    }

    private final Link fallback;
    private final Negotiation negotiation;
    private final Sequencer seq;
    private final Wire wire;
    private final Link.Events events;
    private final Consumer<Upgrade> switchOver;
    private final Failed failed;

    private boolean cancelled;
    private Link socket;
    private long openedWith;
    private JsonNode hello;
    private boolean fallbackEnded;
    private boolean socketEnded;
    private int socketCode;
    private String socketReason;
    private final List<Inbound> buffered = new ArrayList<>();
    private Future<?> timer;

    Upgrade(
            Link fallback,
            Negotiation negotiation,
            Sequencer seq,
            Wire wire,
            Link.Events events,
            Consumer<Upgrade> switchOver,
            Failed failed) {
        this.fallback = fallback;
        this.negotiation = negotiation;
        this.seq = seq;
        this.wire = wire;
        this.events = events;
        this.switchOver = switchOver;
        this.failed = failed;
    }

    /** Starts: the WebSocket opens once the fallback has delivered what it was given. */
    void begin() {
        fallback.whenDrained(() -> wire.locked(() -> {
            if (!cancelled && socket == null) {
                open();
            }
            return null;
        }));
    }

    private void open() {
        openedWith = seq.received();
        socket = negotiation.open(Transport.WEBSOCKET, openedWith, events);
        long deadline = negotiation.connectTimeout().toMillis();
        timer = wire.later(deadline, () -> {
            timer = null;
            if (cancelled || hello != null) {
                return;
            }
            String reason = "no hello within " + deadline + " ms";
            socket.close(4408, reason);
            fail(4408, reason);
        });
        socket.start();
    }

    /** The WebSocket, once it was opened; else null. */
    Link socket() {
        return socket;
    }

    /** Whether the WebSocket said hello: the server reads it now (a bye goes there). */
    boolean greeted() {
        return hello != null;
    }

    JsonNode hello() {
        return hello;
    }

    long openedWith() {
        return openedWith;
    }

    /** What the WebSocket delivered after its hello, in its order. */
    List<Inbound> buffered() {
        return buffered;
    }

    /** Whether the WebSocket ended after its hello; its code and reason are then {@link #socketCode()} and {@link #socketReason()}. */
    boolean socketEnded() {
        return socketEnded;
    }

    int socketCode() {
        return socketCode;
    }

    String socketReason() {
        return socketReason;
    }

    /** A frame from the WebSocket. */
    void frame(Inbound frame) {
        switch (frame.type()) {
            case "ping" -> socket.send(List.of(Outgoing.PONG));
            case "hello" -> onHello(frame.at(1));
            default -> buffered.add(frame);
        }
    }

    private void onHello(JsonNode greeting) {
        if (hello != null) {
            return;
        }
        cancel(timer);
        hello = greeting;
        if (fallbackEnded) {
            finish();
            return;
        }
        // The server replaced the fallback, whose last frames and 4409 are on their way; should
        // they never come, the fallback is given up after connectTimeout.
        timer = wire.later(negotiation.connectTimeout().toMillis(), () -> {
            timer = null;
            if (!cancelled) {
                finish();
            }
        });
    }

    /** The WebSocket ended. */
    void socketEnded(int code, String reason) {
        if (hello == null) {
            cancel(timer);
            fail(code, reason);
        } else {
            socketEnded = true; // acted on once the fallback has delivered its last frames
            socketCode = code;
            socketReason = reason;
        }
    }

    /**
     * The fallback ended with {@code code}: true if the upgrade takes it (the expected 4409, or a
     * fallback that broke: the WebSocket decides what happens next), false if the connection acts
     * on it as §5 says ({@code 4000}, {@code 4401}, {@code 4404}, or no WebSocket opened yet).
     */
    boolean fallbackEnded(int code) {
        if (socket == null || code == 4000 || code == 4401 || code == 4404) {
            return false;
        }
        fallbackEnded = true;
        if (hello != null) {
            finish();
        }
        return true;
    }

    /** The connection is lost or over: the upgrade ends with it. */
    void cancel() {
        cancelled = true;
        cancel(timer);
        if (socket != null) {
            socket.close(1000, "");
        }
    }

    private void finish() {
        cancel(timer);
        cancelled = true;
        fallback.close(1000, "");
        switchOver.accept(this);
    }

    private void fail(int code, String reason) {
        cancelled = true;
        failed.failed(this, fallbackEnded, code, reason);
    }

    private static void cancel(Future<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
