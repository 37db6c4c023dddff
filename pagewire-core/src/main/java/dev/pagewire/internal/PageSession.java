package dev.pagewire.internal;

import dev.pagewire.internal.protocol.Frame;
import dev.pagewire.internal.protocol.FrameCodec;
import dev.pagewire.internal.protocol.ProtocolException;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.Connection;
import dev.pagewire.spi.Session;

/**
 * One connection's link to its page: decodes what the transport delivers and hands events to the
 * page's mailbox. Called by the transport's I/O thread only, so decoding happens there and handlers
 * never run there.
 */
final class PageSession implements Session {

    private final LivePage page;
    private final Connection connection;
    private final FrameCodec codec;
    /** A channel protocol error found while delivering, reported once the receipts are released. */
    private String violation;
    /** The events this connection may send (Settings.ClientLimits.eventsPerSecond). */
    private final Rate events;

    private final Counts counts;

    PageSession(LivePage page, Connection connection) {
        this.page = page;
        this.connection = connection;
        this.codec = ((App) page.app()).codec();
        this.counts = page.application().counts();
        this.events = new Rate(page.app().settings().clientLimits().eventsPerSecond(), System.nanoTime());
    }

    @Override
    public void text(String message) {
        // Characters, not UTF-8 bytes: the same for the ASCII of JSON, and free (docs/OPERATIONS.md).
        counts.bytes[Counts.INBOUND].add(message.length());
        try {
            handle(codec.decode(message));
        } catch (ProtocolException e) {
            page.dropped(connection, e.code(), e.getMessage());
        }
    }

    @Override
    public void binary(byte[] message) {
        counts.bytes[Counts.INBOUND].add(message.length);
        try {
            handle(codec.decodeBinary(message));
        } catch (ProtocolException e) {
            page.dropped(connection, e.code(), e.getMessage());
        }
    }

    @Override
    public void closed() {
        page.detached(connection);
    }

    private void handle(Frame frame) {
        page.received();
        switch (frame) {
            case Frame.Data d -> data(d);
            case Frame.Ack a -> ack(a.ack());
            case Frame.Ping p -> page.pong(connection);
            case Frame.Pong p -> {}
            case Frame.Bye b -> page.close(CloseCodes.NORMAL, "page left");
        }
    }

    private boolean ack(long ack) {
        if (ack >= 0 && !page.acked(ack)) {
            page.dropped(connection, CloseCodes.BAD_FRAME, "ack " + ack + " is above the last frame sent");
            return false;
        }
        return true;
    }

    /** A data frame: its ack first, then its number decides whether it is delivered (§10). */
    private void data(Frame.Data frame) {
        if (!events.take(System.nanoTime())) {
            page.dropped(
                    connection,
                    CloseCodes.TOO_MANY_EVENTS,
                    "more than " + page.app().settings().clientLimits().eventsPerSecond() + " events a second");
            return;
        }
        if (!ack(frame.ack())) {
            return;
        }
        counts.events[Counts.INBOUND].increment();
        if (frame.seq() == Frame.UNNUMBERED) {
            if (!deliver(frame)) {
                tooMany();
            } else if (violation != null) {
                page.dropped(connection, CloseCodes.BAD_FRAME, violation);
            }
            return;
        }
        switch (page.receive(frame.seq(), () -> deliver(frame))) {
            case DELIVERED, DUPLICATE -> {
                if (violation != null) {
                    page.dropped(connection, CloseCodes.BAD_FRAME, violation);
                }
            }
            case GAP ->
                page.dropped(
                        connection,
                        CloseCodes.BAD_FRAME,
                        "frame " + frame.seq() + " skips ahead: a gap in the sequence");
            case REFUSED -> tooMany();
        }
    }

    /**
     * Hands a data frame on; {@code false} if the page's mailbox is full. Runs under the page's
     * receipts, so it only queues: a channel's own mailbox does the rest.
     */
    private boolean deliver(Frame.Data frame) {
        return switch (frame) {
            case Frame.Message m -> page.deliver(m);
            case Frame.OnChannel c -> {
                page.channels().deliver(c);
                yield true;
            }
            case Frame.ChannelOpen o -> {
                if (!page.channels().open(o)) {
                    violation = "channel number " + o.channel() + " was used before";
                }
                yield true;
            }
            case Frame.ChannelClose c -> {
                page.channels().closedByClient(c);
                yield true;
            }
        };
    }

    private void tooMany() {
        page.dropped(
                connection,
                CloseCodes.TOO_MANY_EVENTS,
                "too many events queued (limit " + page.app().settings().maxQueuedEvents() + ")");
    }
}
