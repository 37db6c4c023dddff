package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.Missed;
import java.lang.System.Logger.Level;

/**
 * The server's frames once a connection said {@code hello} (docs/PROTOCOL.md §3, §10): acks,
 * {@code missed} reports, and data frames in the server's order (duplicates dropped, a gap is a
 * protocol error), each delivered to the channel it is for: the page's own, or one of its channels
 * to endpoints (§12.1), which share the one sequence. The {@link Connection} owns the connection's
 * own frames ({@code hello}, {@code ping}).
 *
 * <p>Not thread-safe: the connection calls it under its lock.
 */
final class Receiver {

    private static final System.Logger LOG = System.getLogger(Receiver.class.getName());

    /** Ends the connection over a frame that breaks the protocol, and reconnects. */
    @FunctionalInterface
    interface Faults {
        void protocolError(String reason);
    }

    private final Sequencer seq;
    private final ChannelEnd<?> page;
    private final ChannelTable channels;
    private final Faults faults;

    Receiver(Sequencer seq, ChannelEnd<?> page, ChannelTable channels, Faults faults) {
        this.seq = seq;
        this.page = page;
        this.channels = channels;
        this.faults = faults;
    }

    /** One frame from the current connection, other than {@code hello} and {@code ping}. */
    void receive(Inbound frame) {
        if (frame.channel() != 0) {
            switch (frame.type()) {
                case "ev", "err" -> accept(frame, 3);
                case "call", "res" -> accept(frame, 4);
                default -> LOG.log(Level.WARNING, "pagewire: ignoring an unknown channel frame type " + frame.type());
            }
            return;
        }
        switch (frame.type()) {
            case "pong" -> {}
            case "ack" -> {
                if (frame.at(1).isIntegralNumber()) {
                    acked(frame.at(1).asLong());
                }
            }
            case "missed" -> missed(frame.at(1));
            case "ev", "err" -> accept(frame, 3);
            case "call", "res", "chclose" -> accept(frame, 4);
            case "chok" -> accept(frame, 2);
            default -> LOG.log(Level.WARNING, "pagewire: ignoring an unknown frame type " + frame.type());
        }
    }

    /** The server's ack; one above what the client sent is a malformed frame (§10.2). False then. */
    boolean acked(long ack) {
        if (ack > seq.lastSent()) {
            faults.protocolError("an ack of " + ack + " from the server, above the " + seq.lastSent() + " frames sent");
            return false;
        }
        seq.acked(ack);
        return true;
    }

    private void missed(JsonNode m) {
        if (!m.path("from").canConvertToLong() || !m.path("to").canConvertToLong()) {
            LOG.log(Level.WARNING, "pagewire: ignoring a missed frame without from and to");
            return;
        }
        seq.missed(m.path("to").asLong());
        page.dispatcher()
                .missed(new Missed(
                        m.path("from").asLong(),
                        m.path("to").asLong(),
                        m.path("reason").asText("")));
    }

    /** A data frame in the server's order: duplicates dropped, a gap ends the connection (§10.3). */
    private void accept(Inbound frame, int seqIndex) {
        JsonNode number = frame.at(seqIndex);
        if (number.isMissingNode()) {
            deliver(frame); // a server that does not number (§10.1)
            return;
        }
        JsonNode ack = frame.at(seqIndex + 1);
        if (!number.isIntegralNumber() || number.asLong() <= 0 || (!ack.isMissingNode() && !ack.isIntegralNumber())) {
            faults.protocolError("a malformed sequence number in a " + frame.type() + " frame");
            return;
        }
        if (!ack.isMissingNode() && !acked(ack.asLong())) {
            return;
        }
        switch (seq.receive(number.asLong())) {
            case NEW -> deliver(frame);
            case DUPLICATE -> {}
            case GAP -> faults.protocolError("a sequence gap: expected " + (seq.received() + 1) + ", got " + number);
        }
    }

    /** A new data frame to its channel; one for a channel that is closed or unknown is dropped (§12.1). */
    private void deliver(Inbound frame) {
        if (frame.channel() != 0) {
            channels.deliver(frame);
            return;
        }
        switch (frame.type()) {
            case "chok" -> channels.admitted(frame.at(1));
            case "chclose" ->
                channels.closed(frame.at(1), frame.at(2).asText(""), frame.at(3).asText(""));
            default -> page.deliver(frame);
        }
    }
}
