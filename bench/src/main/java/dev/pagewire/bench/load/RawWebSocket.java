package dev.pagewire.bench.load;

import java.util.concurrent.CompletableFuture;

/**
 * The raw Netty echo server's WebSocket ({@code ws://…/echo}): an event is its data as the message,
 * except {@code fanout}, sent as {@code fanout:DATA} and received as {@code fan:DATA}.
 */
final class RawWebSocket implements Dialer {

    private final Entries entries;

    RawWebSocket(Entries entries) {
        this.entries = entries;
    }

    @Override
    public CompletableFuture<Link> open(Link.Listener listener, boolean withPage) {
        Entries.Pick pick = entries.next();
        CompletableFuture<?> page = withPage ? PageToken.render(pick.page()) : CompletableFuture.completedFuture(null);
        var link = new RawLink(listener);
        return page.thenCompose(html -> WebSocketChannel.open(
                        pick.channel(),
                        "/echo",
                        link::onText,
                        reason -> listener.onLost(link, reason),
                        ws -> link.ws = ws))
                .thenApply(ws -> link);
    }

    private static final class RawLink implements Link {
        private final Link.Listener listener;
        volatile WebSocketChannel ws;

        RawLink(Link.Listener listener) {
            this.listener = listener;
        }

        void onText(String text) {
            if (text.startsWith("fan:")) {
                listener.onEvent(this, "fan", text.substring(4));
            } else {
                listener.onEvent(this, "echo", text);
            }
        }

        @Override
        public void send(String name, String data) {
            ws.send(name.equals("fanout") ? "fanout:" + data : data);
        }

        @Override
        public void close() {
            ws.close();
        }
    }
}
