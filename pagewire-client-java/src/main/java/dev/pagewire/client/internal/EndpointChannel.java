package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.ChannelRefusedException;
import dev.pagewire.client.ChannelState;
import dev.pagewire.client.ChannelStateChange;
import dev.pagewire.client.ConnectionState;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;

/**
 * One channel to an endpoint, multiplexed on the page's connection (docs/PROTOCOL.md §12.1): its
 * {@code chopen}, the endpoint's answer ({@code chok} or {@code chclose}), its close, and its
 * state, which follows the connection's: an open channel is {@code RECONNECTING} while the
 * connection is, and ends with the page.
 *
 * <p>Thread-safe: state is guarded by the connection's lock.
 */
public final class EndpointChannel {

    private static final System.Logger LOG = System.getLogger(EndpointChannel.class.getName());

    private final ChannelEnd<ChannelStateChange> end;
    private final String path;
    private final JsonNode params;
    private final Wire wire;
    private final ChannelTable table;
    private final CallbackFuture<Void> opened;

    // Guarded by the connection's lock.
    private ChannelState state = ChannelState.OPENING;
    /** Whether the connection is up now (its hello came, it is not lost since). */
    private boolean connected;

    EndpointChannel(long number, String path, JsonNode params, Wire wire, ChannelTable table, CallbackThread thread) {
        this.end = new ChannelEnd<>(number, wire, thread);
        this.path = path;
        this.params = params;
        this.wire = wire;
        this.table = table;
        this.opened = new CallbackFuture<>(thread);
    }

    public ChannelEnd<ChannelStateChange> end() {
        return end;
    }

    public String path() {
        return path;
    }

    public ChannelState state() {
        return wire.locked(() -> state);
    }

    /** Completes on {@code chok}; fails with {@link ChannelRefusedException} if the channel ends before. */
    public CompletableFuture<Void> opened() {
        return opened;
    }

    /** Sends {@code chopen}; the table registered the channel. Throws as an emit would. */
    void start(boolean connectedNow) {
        connected = connectedNow;
        String start = "[\"chopen\"," + end.number() + "," + Frames.quote(path) + "," + Frames.text(params);
        end.send((s, a) -> Frames.numbered(start, s, a), null, "open a channel to " + path);
    }

    /** Says {@code chclose} to the endpoint and ends the channel; the other side does not answer (§12.1). */
    public void close() {
        wire.locked(() -> {
            if (state.isFinal()) {
                return null;
            }
            String start = "[\"chclose\"," + end.number() + ",\"closed\",\"\"";
            try {
                end.send((s, a) -> Frames.numbered(start, s, a), null, "close the channel to " + path);
            } catch (IllegalStateException e) {
                // The page is over (its channels end with it) or the queue is full.
                LOG.log(
                        Level.WARNING,
                        "pagewire: closing the channel to " + path + " without telling the server: " + e.getMessage());
            }
            finish(ChannelState.CLOSED, "closed", "closed by the client");
            return null;
        });
    }

    /** {@code chok}: the endpoint admitted the channel. */
    void admitted() {
        if (state != ChannelState.OPENING) {
            return;
        }
        setState(connected ? ChannelState.OPEN : ChannelState.RECONNECTING, "", "");
        end.dispatcher().post(() -> opened.complete(null));
    }

    /** {@code chclose} from the server: a refusal before {@code chok}, a close after. */
    void closedByServer(String code, String reason) {
        finish(state == ChannelState.OPENING ? ChannelState.REFUSED : ChannelState.CLOSED, code, reason);
    }

    /** The page's connection changed state; a final one ends the channel ({@code page_closed}). */
    void follow(ConnectionState connection, String reason) {
        switch (connection) {
            case CONNECTED -> {
                connected = true;
                if (state == ChannelState.RECONNECTING) {
                    setState(ChannelState.OPEN, "", "");
                }
            }
            case CONNECTING, RECONNECTING -> {
                connected = false;
                if (state == ChannelState.OPEN) {
                    setState(ChannelState.RECONNECTING, "", reason);
                }
            }
            case CLOSED -> finish(ChannelState.CLOSED, "page_closed", reason.isEmpty() ? "the page closed" : reason);
            case EXPIRED -> finish(ChannelState.EXPIRED, "page_closed", reason.isEmpty() ? "the page expired" : reason);
        }
    }

    private void finish(ChannelState last, String code, String reason) {
        if (state.isFinal()) {
            return;
        }
        boolean wasAdmitted = state != ChannelState.OPENING;
        setState(last, code, reason);
        end.end(last.name().toLowerCase());
        table.forget(end.number());
        if (!wasAdmitted) {
            ChannelRefusedException refused = new ChannelRefusedException(code, reason);
            end.dispatcher().post(() -> opened.completeExceptionally(refused));
        }
    }

    private void setState(ChannelState next, String code, String reason) {
        if (next == state) {
            return;
        }
        state = next;
        end.dispatcher().state(new ChannelStateChange(next, code, reason == null ? "" : reason));
    }
}
