package dev.pagewire.bench.load;

import io.netty.handler.codec.http.HttpMethod;
import java.util.concurrent.CompletableFuture;

/**
 * Socket.IO 4 over Engine.IO HTTP long-polling only (the client's {@code transports: ['polling']}):
 * {@code GET /socket.io/?EIO=4&transport=polling} opens the session, then polls (GET) carry packets
 * down and POSTs carry them up, packets joined by the record separator {@code \u001e}.
 */
final class SocketIoPolling implements Dialer {

    private static final String PATH = "/socket.io/?EIO=4&transport=polling";
    private static final String SEPARATOR = "\u001e";

    private final Entries entries;

    SocketIoPolling(Entries entries) {
        this.entries = entries;
    }

    /** Both connections of a link come from one source address, as a browser's do. */
    @Override
    public CompletableFuture<Link> open(Link.Listener listener, boolean withPage) {
        Wire wire = entries.next().channel();
        var source = wire.nextSource();
        return HttpChannel.open(wire, source)
                .thenCompose(up -> HttpChannel.open(wire, source)
                        .thenCompose(down -> new PollingLink(listener, up, down).start()));
    }

    private static final class PollingLink implements Link, SocketIoPackets.Peer {
        private final Link.Listener listener;
        private final HttpChannel up;
        private final HttpChannel down;
        private final HttpLinkEnd end;
        private final SocketIoPackets packets = new SocketIoPackets(this);
        private final CompletableFuture<Link> ready = new CompletableFuture<>();
        private volatile PostQueue posts;
        private volatile String sid;

        PollingLink(Link.Listener listener, HttpChannel up, HttpChannel down) {
            this.listener = listener;
            this.up = up;
            this.down = down;
            this.end = new HttpLinkEnd(up, down);
        }

        CompletableFuture<Link> start() {
            poll(PATH);
            return ready;
        }

        private void poll(String uri) {
            down.request(HttpMethod.GET, uri, null).whenComplete((reply, failure) -> {
                if (failure != null || reply.status() != 200) {
                    lost(
                            failure != null
                                    ? "poll failed: " + failure.getMessage()
                                    : "poll answered " + reply.status() + ": " + JsonArrays.abbreviate(reply.body()));
                    return;
                }
                try {
                    for (String packet : reply.body().split(SEPARATOR)) {
                        packets.read(packet);
                    }
                } catch (RuntimeException e) {
                    lost(e.getMessage());
                    return;
                }
                if (!end.ended()) {
                    poll(PATH + "&sid=" + sid);
                }
            });
        }

        private void lost(String reason) {
            end.lost(this, listener, ready, reason);
        }

        @Override
        public void send(String name, String data) {
            posts.add(SocketIoPackets.event(name, data));
        }

        @Override
        public void close() {
            end.leave(posts, "1");
        }

        @Override
        public void opened(String sid) {
            this.sid = sid;
            posts = new PostQueue(up, PATH + "&sid=" + sid, SEPARATOR, status -> status == 200, this::lost);
            posts.add("40");
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
            posts.add(packet);
        }

        @Override
        public void closed(String reason) {
            lost(reason);
        }
    }
}
