package dev.pagewire.bench.load;

import java.util.List;

/**
 * The Pagewire protocol state of one simulated page, whatever its transport: numbers the events it
 * sends, reads the frames it receives, answers {@code ping}, and acks what it received
 * (PROTOCOL.md §3, §10): piggybacked on its next event, at once when 64 frames wait, else within
 * 1 s through the {@link AckSweeper}. Not thread-safe: used on its link's event loop.
 */
final class PagewireFrames {

    /** Where the frames' meaning goes; called on the link's event loop. */
    interface Peer {
        /** {@code hello} arrived: the channel is ready. */
        void hello();

        /** A fallback's {@code open} frame named the connection. */
        void open(String conn);

        /** An event from the page. */
        void event(String name, String data);

        /** A control frame to send now ({@code pong}, {@code ack}). */
        void reply(String frame);

        /** The server ended the connection ({@code close} frame on a fallback). */
        void closed(String reason);

        /** Queues an ack flush (see {@link AckSweeper}); the flush must run on the event loop. */
        void scheduleAck();
    }

    private static final int ACK_AT_ONCE = 64;

    private final Peer peer;
    private long sent;
    private long received;
    private long acked;
    private boolean ackScheduled;

    PagewireFrames(Peer peer) {
        this.peer = peer;
    }

    /** The frame for an event, numbered, with the ack when it changed. */
    String event(String name, String data) {
        sent++;
        String frame = "[\"ev\",\"" + name + "\",\"" + data + "\"," + sent;
        if (received > acked) {
            acked = received;
            frame += "," + acked;
        }
        return frame + "]";
    }

    /** The standalone ack due now, or {@code null} when everything received is acked. */
    String takeAck() {
        ackScheduled = false;
        if (received <= acked) {
            return null;
        }
        acked = received;
        return "[\"ack\"," + acked + "]";
    }

    /** Reads one frame (a WebSocket message or a fallback's frame line). */
    void read(String frame) {
        if (frame.isEmpty()) {
            return;
        }
        List<String> e = JsonArrays.elements(frame, 0);
        switch (JsonArrays.unquote(e.get(0))) {
            case "ev" -> {
                countReceived(e.get(3));
                peer.event(JsonArrays.unquote(e.get(1)), JsonArrays.unquote(e.get(2)));
            }
            case "err" -> {
                countReceived(e.get(3));
                throw new IllegalStateException("the server refused a frame: " + frame);
            }
            case "hello" -> peer.hello();
            case "open" -> peer.open(JsonArrays.unquote(e.get(1)));
            case "ping" -> peer.reply("[\"pong\"]");
            case "close" -> peer.closed("close " + e.get(1) + " " + JsonArrays.unquote(e.get(2)));
            case "missed" -> throw new IllegalStateException("the server reports missed frames: " + frame);
            default -> {
                // ack, pong: nothing to do for a load generator that resends nothing
            }
        }
    }

    private void countReceived(String seq) {
        long s = Long.parseLong(seq);
        if (s <= received) {
            return; // a duplicate after a resend
        }
        received = s;
        if (received - acked >= ACK_AT_ONCE) {
            peer.reply(takeAck());
        } else if (!ackScheduled) {
            ackScheduled = true;
            peer.scheduleAck();
        }
    }
}
