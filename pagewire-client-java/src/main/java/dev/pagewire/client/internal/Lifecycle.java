package dev.pagewire.client.internal;

import dev.pagewire.client.ConnectionState;
import dev.pagewire.client.StateChange;
import dev.pagewire.client.Transport;
import java.net.http.HttpClient;

/**
 * Where a page's connection stands for the application (docs/PROTOCOL.md §5, §6): its {@link
 * ConnectionState}, told to the page's state listeners and followed by its channels (§12.1), and,
 * in a final state, the end of everything the connection held: kept frames, calls, timers, the
 * callback thread, and an HTTP client made for it.
 *
 * <p>Not thread-safe: the connection uses it under its lock ({@link #state()} is volatile for
 * the readers of the public API).
 */
final class Lifecycle {

    private final ChannelEnd<StateChange> page;
    private final ChannelTable channels;
    private final Sequencer seq;
    private final Guard guard;
    private final CallbackThread callbacks;
    /** The HTTP client to shut down at the end, or null when the application owns it. */
    private final HttpClient ownHttp;

    private volatile ConnectionState state = ConnectionState.CONNECTING;

    Lifecycle(
            ChannelEnd<StateChange> page,
            ChannelTable channels,
            Sequencer seq,
            Guard guard,
            CallbackThread callbacks,
            HttpClient ownHttp) {
        this.page = page;
        this.channels = channels;
        this.seq = seq;
        this.guard = guard;
        this.callbacks = callbacks;
        this.ownHttp = ownHttp;
    }

    ConnectionState state() {
        return state;
    }

    boolean isFinal() {
        return state.isFinal();
    }

    /**
     * Moves to {@code next} (nothing if it is the state already), with the close code and reason
     * that caused it and, when connected, the transport.
     */
    void set(ConnectionState next, int code, String reason, Transport transport) {
        if (next == state) {
            return;
        }
        state = next;
        String why = reason == null ? "" : reason;
        page.dispatcher().state(new StateChange(next, code, why, next == ConnectionState.CONNECTED ? transport : null));
        channels.follow(next, why);
    }

    /** Enters a final state: no kept frames, no calls waiting, no timers; the callback thread ends after what it has. */
    void finish(ConnectionState last, int code, String reason) {
        seq.clear();
        set(last, code, reason, null);
        page.end(last.name().toLowerCase());
        guard.shutdown();
        callbacks.shutdown();
        if (ownHttp != null) {
            ownHttp.shutdown(); // lets a bye in flight complete
        }
    }
}
