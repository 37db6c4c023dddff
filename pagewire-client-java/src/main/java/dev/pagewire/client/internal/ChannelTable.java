package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.ConnectionState;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The page's channels to endpoints by number (docs/PROTOCOL.md §12.1): numbers from a counter
 * from 1, never reused; the server's channel frames routed to their channel; frames for a channel
 * that is closed or was never opened dropped (the {@link Receiver} counted them for the ack).
 *
 * <p>Thread-safe: every method runs under the connection's lock.
 */
public final class ChannelTable {

    private static final System.Logger LOG = System.getLogger(ChannelTable.class.getName());

    private final Wire wire;
    private final CallbackThread thread;
    private final Map<Long, EndpointChannel> open = new HashMap<>();
    private long next = 1;
    private ConnectionState connection = ConnectionState.CONNECTING;

    ChannelTable(Wire wire, CallbackThread thread) {
        this.wire = wire;
        this.thread = thread;
    }

    /** A channel to {@code path} with the next number, not opened yet: register listeners, then {@link #start}. */
    public EndpointChannel create(String path, JsonNode params) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            throw new IllegalArgumentException("an endpoint path starts with /, got " + path);
        }
        return wire.locked(() -> new EndpointChannel(next++, path, params, wire, this, thread));
    }

    /** Sends the channel's {@code chopen}; throws as an emit would, and the channel is not opened then. */
    public void start(EndpointChannel channel) {
        wire.locked(() -> {
            if (connection.isFinal()) {
                throw new IllegalStateException("cannot open a channel to " + channel.path() + ": the page is "
                        + connection.name().toLowerCase());
            }
            long number = channel.end().number();
            open.put(number, channel);
            try {
                channel.start(connection == ConnectionState.CONNECTED);
            } catch (RuntimeException e) {
                open.remove(number);
                throw e;
            }
            return null;
        });
    }

    /** A data frame of channel {@code frame.channel()}, in the server's order. */
    void deliver(Inbound frame) {
        EndpointChannel channel = open.get(frame.channel());
        if (channel != null) {
            channel.end().deliver(frame);
        }
    }

    /** {@code ["chok", c, s]}. */
    void admitted(JsonNode number) {
        EndpointChannel channel = find(number, "chok");
        if (channel != null) {
            channel.admitted();
        }
    }

    /** {@code ["chclose", c, code, reason, s]}. */
    void closed(JsonNode number, String code, String reason) {
        EndpointChannel channel = find(number, "chclose");
        if (channel != null) {
            channel.closedByServer(code, reason);
        }
    }

    /** The connection changed state: every channel follows it (§12.1). */
    void follow(ConnectionState state, String reason) {
        connection = state;
        for (EndpointChannel channel : new ArrayList<>(open.values())) {
            channel.follow(state, reason);
        }
    }

    /** The channel ended: later frames for its number are dropped. */
    void forget(long number) {
        open.remove(number);
    }

    private EndpointChannel find(JsonNode number, String type) {
        if (!number.isIntegralNumber() || number.asLong() <= 0) {
            LOG.log(Level.WARNING, "pagewire: ignoring a " + type + " frame without a channel number");
            return null;
        }
        return open.get(number.asLong());
    }
}
