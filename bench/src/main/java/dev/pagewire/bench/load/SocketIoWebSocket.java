package dev.pagewire.bench.load;

import java.util.concurrent.CompletableFuture;

/**
 * Socket.IO 4 over WebSocket straight away ({@code /socket.io/?EIO=4&transport=websocket}, as the
 * client does with {@code transports: ['websocket']}); ready at the connect acknowledgement.
 */
final class SocketIoWebSocket implements Dialer {

    private final Entries entries;

    SocketIoWebSocket(Entries entries) {
        this.entries = entries;
    }

    @Override
    public CompletableFuture<Link> open(Link.Listener listener, boolean withPage) {
        Entries.Pick pick = entries.next();
        CompletableFuture<?> page = withPage ? PageToken.render(pick.page()) : CompletableFuture.completedFuture(null);
        return page.thenCompose(html -> new SocketLink(listener, pick.channel()).connect());
    }

    private static final class SocketLink implements Link, SocketIoPackets.Peer {
        private final Link.Listener listener;
        private final Wire wire;
        private final SocketIoPackets packets = new SocketIoPackets(this);
        private final CompletableFuture<Link> ready = new CompletableFuture<>();
        private volatile WebSocketChannel ws;

        SocketLink(Link.Listener listener, Wire wire) {
            this.listener = listener;
            this.wire = wire;
        }

        CompletableFuture<Link> connect() {
            WebSocketChannel.openForLink(
                    wire,
                    "/socket.io/?EIO=4&transport=websocket",
                    this::onText,
                    reason -> listener.onLost(this, reason),
                    ready,
                    channel -> ws = channel);
            return ready;
        }

        private void onText(String text) {
            try {
                packets.read(text);
            } catch (RuntimeException e) {
                listener.onLost(this, e.getMessage());
            }
        }

        @Override
        public void send(String name, String data) {
            ws.send(SocketIoPackets.event(name, data));
        }

        @Override
        public void close() {
            ws.close();
        }

        @Override
        public void opened(String sid) {
            ws.send("40");
        }

        @Override
        public void connected() {
            ready.complete(this);
        }

        @Override
        public void event(String name, String data) {
            listener.onEvent(this, name, data);
        }

        @Override
        public void reply(String packet) {
            ws.send(packet);
        }

        @Override
        public void closed(String reason) {
            listener.onLost(this, reason);
        }
    }
}
