package dev.pagewire.bench.load;

import java.util.concurrent.CompletableFuture;

/**
 * Pagewire over WebSocket (PROTOCOL.md §2): GET the page, then {@code ws://…/echo?pagewire=TOKEN&ack=0},
 * ready at {@code hello}. In a cluster the WebSocket may reach another node than the page's
 * ({@link Entries}): that node relays it to the page's owner.
 */
final class PagewireWebSocket implements Dialer {

    private final Entries entries;
    private final AckSweeper acks;

    PagewireWebSocket(Entries entries, AckSweeper acks) {
        this.entries = entries;
        this.acks = acks;
    }

    @Override
    public CompletableFuture<Link> open(Link.Listener listener, boolean withPage) {
        Entries.Pick pick = entries.next();
        return PageToken.render(pick.page())
                .thenCompose(html -> new PageLink(listener, pick.channel()).connect(PageToken.of(html)));
    }

    private final class PageLink implements Link, PagewireFrames.Peer {
        private final Link.Listener listener;
        private final Wire wire;
        private final PagewireFrames frames = new PagewireFrames(this);
        private final CompletableFuture<Link> ready = new CompletableFuture<>();
        private volatile WebSocketChannel ws;

        PageLink(Link.Listener listener, Wire wire) {
            this.listener = listener;
            this.wire = wire;
        }

        CompletableFuture<Link> connect(String token) {
            WebSocketChannel.openForLink(
                    wire,
                    "/echo?pagewire=" + token + "&ack=0",
                    this::onText,
                    reason -> listener.onLost(this, reason),
                    ready,
                    channel -> ws = channel);
            return ready;
        }

        private void onText(String text) {
            try {
                frames.read(text);
            } catch (RuntimeException e) {
                listener.onLost(this, e.getMessage());
            }
        }

        @Override
        public void send(String name, String data) {
            ws.onLoop(() -> ws.send(frames.event(name, data)));
        }

        @Override
        public void close() {
            ws.onLoop(() -> {
                ws.send("[\"bye\"]");
                ws.close();
            });
        }

        @Override
        public void hello() {
            ready.complete(this);
        }

        @Override
        public void open(String conn) {
            throw new IllegalStateException("an open frame on a WebSocket");
        }

        @Override
        public void event(String name, String data) {
            listener.onEvent(this, name, data);
        }

        @Override
        public void reply(String frame) {
            ws.send(frame);
        }

        @Override
        public void closed(String reason) {
            listener.onLost(this, reason);
        }

        @Override
        public void scheduleAck() {
            acks.schedule(() -> ws.onLoop(() -> {
                String ack = frames.takeAck();
                if (ack != null) {
                    ws.send(ack);
                }
            }));
        }
    }
}
