package dev.pagewire.bench.load;

import io.netty.handler.codec.http.HttpMethod;
import java.util.concurrent.CompletableFuture;

/**
 * Pagewire over its HTTP fallbacks (PROTOCOL.md §8): SSE down + POST up, or long-polling down +
 * POST up. The page is rendered on the POST connection (keep-alive), which then carries the
 * frames up; the down channel has a connection of its own, from the same source address. Behind
 * a load balancer without stickiness each request may reach another node, which relays it to the
 * page's owner.
 */
final class PagewireHttp implements Dialer {

    /** Which fallback. */
    enum Mode {
        SSE,
        LONG_POLLING
    }

    private final Entries entries;
    private final AckSweeper acks;
    private final Mode mode;

    PagewireHttp(Entries entries, AckSweeper acks, Mode mode) {
        this.entries = entries;
        this.acks = acks;
        this.mode = mode;
    }

    @Override
    public CompletableFuture<Link> open(Link.Listener listener, boolean withPage) {
        Wire wire = entries.next().page();
        var source = wire.nextSource();
        return HttpChannel.open(wire, source)
                .thenCompose(up -> up.request(HttpMethod.GET, "/echo", null)
                        .thenCompose(reply -> HttpChannel.open(wire, source)
                                .thenCompose(
                                        down -> new PageLink(listener, up, down, PageToken.of(PageToken.body(reply)))
                                                .start())));
    }

    private final class PageLink implements Link, PagewireFrames.Peer {
        private final Link.Listener listener;
        private final HttpChannel up;
        private final HttpChannel down;
        private final HttpLinkEnd end;
        private final String token;
        private final PagewireFrames frames = new PagewireFrames(this);
        private final CompletableFuture<Link> ready = new CompletableFuture<>();
        private final StringBuilder sse = new StringBuilder();
        private volatile PostQueue posts;
        private volatile String conn;

        PageLink(Link.Listener listener, HttpChannel up, HttpChannel down, String token) {
            this.listener = listener;
            this.up = up;
            this.down = down;
            this.end = new HttpLinkEnd(up, down);
            this.token = token;
        }

        CompletableFuture<Link> start() {
            String open = "/echo?pagewire=" + token + "&ack=0&transport=" + (mode == Mode.SSE ? "sse" : "longpolling");
            if (mode == Mode.SSE) {
                down.stream(open, this::onSseChunk).whenComplete((status, failure) -> {
                    if (failure != null || status != 200) {
                        lost(failure != null ? failure.getMessage() : "SSE open answered " + status);
                    }
                });
            } else {
                poll(open);
            }
            return ready;
        }

        private void poll(String uri) {
            down.request(HttpMethod.GET, uri, null).whenComplete((reply, failure) -> {
                if (failure != null || reply.status() != 200) {
                    lost(failure != null ? "poll failed: " + failure.getMessage() : "poll answered " + reply.status());
                    return;
                }
                for (String line : reply.body().split("\n")) {
                    if (!read(line)) {
                        return;
                    }
                }
                if (!end.ended()) {
                    poll("/echo?pagewire=" + token + "&conn=" + conn);
                }
            });
        }

        /** SSE events here are single {@code data:} lines (PROTOCOL.md §8.3); comments are skipped. */
        private void onSseChunk(String chunk) {
            sse.append(chunk);
            int end;
            while ((end = sse.indexOf("\n")) >= 0) {
                String line = sse.substring(0, end);
                sse.delete(0, end + 1);
                if (line.startsWith("data:")) {
                    String frame = line.substring(line.startsWith("data: ") ? 6 : 5);
                    if (!read(frame)) {
                        return;
                    }
                }
            }
        }

        /** Reads one frame line; false when the link is over. */
        private boolean read(String line) {
            try {
                frames.read(line.strip());
                return !end.ended();
            } catch (RuntimeException e) {
                lost(e.getMessage());
                return false;
            }
        }

        private void lost(String reason) {
            end.lost(this, listener, ready, reason);
        }

        @Override
        public void send(String name, String data) {
            // Frames are numbered on the down channel's loop, where the ones received are counted.
            Wire.onLoop(down.channel(), () -> posts.add(frames.event(name, data)));
        }

        @Override
        public void close() {
            end.leave(posts, "[\"bye\"]");
        }

        @Override
        public void open(String conn) {
            this.conn = conn;
            this.posts = new PostQueue(
                    up, "/echo?pagewire=" + token + "&conn=" + conn, "\n", status -> status == 204, this::lost);
        }

        @Override
        public void hello() {
            ready.complete(this);
        }

        @Override
        public void event(String name, String data) {
            listener.onEvent(this, name, data);
        }

        @Override
        public void reply(String frame) {
            posts.add(frame);
        }

        @Override
        public void closed(String reason) {
            lost(reason);
        }

        @Override
        public void scheduleAck() {
            acks.schedule(() -> Wire.onLoop(down.channel(), () -> {
                String ack = frames.takeAck();
                if (ack != null) {
                    posts.add(ack);
                }
            }));
        }
    }
}
