package dev.pagewire.internal;

import dev.pagewire.Event;
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

    PageSession(LivePage page, Connection connection) {
        this.page = page;
        this.connection = connection;
        this.codec = ((App) page.app()).codec();
    }

    @Override
    public void text(String message) {
        try {
            handle(codec.decode(message));
        } catch (ProtocolException e) {
            page.dropped(connection, e.code(), e.getMessage());
        }
    }

    @Override
    public void binary(byte[] message) {
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
            case Frame.Emit e -> deliver(Event.json(e.name(), e.data()));
            case Frame.BinaryEmit b -> deliver(Event.binary(b.name(), b.bytes()));
            case Frame.Ping p -> page.reply(connection, codec.pong());
            case Frame.Pong p -> { }
            case Frame.Bye b -> page.close(CloseCodes.NORMAL, "page left");
        }
    }

    private void deliver(Event event) {
        if (!page.deliver(event)) {
            page.dropped(connection, CloseCodes.TOO_MANY_EVENTS,
                    "too many events queued (limit " + page.app().settings().maxQueuedEvents() + ")");
        }
    }
}
