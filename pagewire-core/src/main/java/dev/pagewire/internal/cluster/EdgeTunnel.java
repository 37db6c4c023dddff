package dev.pagewire.internal.cluster;

import dev.pagewire.internal.http.SseCloses;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.Connection;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.OutFrame;
import dev.pagewire.spi.ResponseStream;
import dev.pagewire.spi.Session;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The edge's end of a tunnel: the client's request (and, for a WebSocket, its connection) on this
 * node, for a page another node owns. It sends the request to the owner, writes what the owner
 * answers to the client, and relays the WebSocket's messages to the owner. The owner's frames pass
 * through as they are; this end only bounds what waits for a client that does not read
 * ({@code maxOutboundBytes}, closing with {@code 4503} as the owner would). Thread-safe.
 */
final class EdgeTunnel implements Session {

    private final Relay relay;
    private final Relay.Link link;
    private final long id;
    private final HttpExchange exchange;
    private final long maxOutboundBytes;

    // Guarded by this.
    private Connection webSocket;
    private ResponseStream stream;
    private boolean answered;
    private boolean over;
    private ScheduledFuture<?> deadline;

    EdgeTunnel(Relay relay, Relay.Link link, long id, HttpExchange exchange) {
        this.relay = relay;
        this.link = link;
        this.id = id;
        this.exchange = exchange;
        this.maxOutboundBytes = relay.app().settings().maxOutboundBytes();
    }

    long id() {
        return id;
    }

    /** Sends the request to the owner; an HTTP request must then be answered within a deadline. */
    void sendOpen(boolean upgraded) {
        Wire.Writer open = new Wire.Writer(Relay.OPEN, id, exchange.body().length + 512)
                .i8((upgraded ? 1 : 0) | (exchange.secure() ? 2 : 0))
                .str(exchange.method())
                .str(exchange.target())
                .str(exchange.contextPath())
                .str(exchange.version());
        InetSocketAddress remote = exchange.remoteAddress();
        open.str(remote == null ? null : remote.getHostString()).i32(remote == null ? 0 : remote.getPort());
        HttpResponse.Headers headers = new HttpResponse.Headers();
        exchange.forEachHeader(headers::add);
        open.headers(headers).bytes(exchange.body());
        if (!upgraded) {
            exchange.onAbort(this::clientGone);
            long millis = relay.app().settings().pollTimeout().toMillis() + 10_000;
            try {
                ScheduledFuture<?> timeout =
                        relay.app().scheduler().schedule(this::noAnswer, millis, TimeUnit.MILLISECONDS);
                synchronized (this) {
                    deadline = timeout;
                }
            } catch (RejectedExecutionException e) {
                // shutting down: the request ends with the server
            }
        }
        link.send(open);
    }

    /** The WebSocket handshake completed here: the owner attaches the page to it. */
    Session openWebSocket(Connection connection) {
        synchronized (this) {
            webSocket = connection;
            answered = true;
        }
        sendOpen(true);
        return this;
    }

    // ---- the client's WebSocket (Session): relayed to the owner

    @Override
    public void text(String message) {
        if (!isOver()) {
            link.send(new Wire.Writer(Relay.IN_TEXT, id, message.length() * 3).str(message));
        }
    }

    @Override
    public void binary(byte[] message) {
        if (!isOver()) {
            link.send(new Wire.Writer(Relay.IN_BINARY, id, message.length).bytes(message));
        }
    }

    @Override
    public void closed() {
        clientGone();
    }

    // ---- the owner's answers

    void fromOwner(Wire.Reader in) {
        switch (in.type) {
            case Relay.RESPOND -> respond(in.i32(), in.str(), in.headers(), in.bytes());
            case Relay.STREAM -> startStream(in.i32(), in.headers());
            case Relay.WRITE -> write(in.bytes());
            case Relay.STREAM_END -> endStream();
            case Relay.FRAME -> frame(in.i8() != 0, in.bytes());
            case Relay.CLOSE -> closeWebSocket(in.i32(), in.str());
            case Relay.OWNER_END -> ownerGone();
            default -> throw new Wire.Malformed("type " + in.type + " is not for an edge");
        }
    }

    private void respond(int status, String reason, HttpResponse.Headers headers, byte[] body) {
        synchronized (this) {
            if (answered || over) {
                return;
            }
            answered = true;
            over = true;
            cancelDeadline();
        }
        forget();
        exchange.respond(new HttpResponse(status, reason, headers, body), null);
    }

    private void startStream(int status, HttpResponse.Headers headers) {
        ResponseStream s;
        synchronized (this) {
            if (answered || over) {
                return;
            }
            answered = true;
            cancelDeadline();
            s = exchange.stream(status, headers);
            stream = s;
        }
        s.onClosed(this::clientGone);
    }

    private void write(byte[] bytes) {
        ResponseStream s;
        synchronized (this) {
            s = over ? null : stream;
        }
        if (s == null) {
            return;
        }
        s.write(bytes);
        if (s.queuedBytes() > maxOutboundBytes) {
            // The client does not read: end its stream (it reconnects and resumes), and the owner's.
            endStream();
            link.send(new Wire.Writer(Relay.EDGE_END, id, 0));
        }
    }

    private void endStream() {
        ResponseStream s;
        synchronized (this) {
            if (over) {
                return;
            }
            over = true;
            s = stream;
        }
        forget();
        if (s != null) {
            s.end();
        }
    }

    private void frame(boolean binary, byte[] payload) {
        Connection c;
        synchronized (this) {
            c = over ? null : webSocket;
        }
        if (c == null) {
            return;
        }
        c.send(new OutFrame(binary, payload));
        if (c.queuedBytes() > maxOutboundBytes) {
            closeWebSocket(CloseCodes.SLOW_CONSUMER, "slow consumer: over " + maxOutboundBytes + " bytes queued");
            link.send(new Wire.Writer(Relay.EDGE_END, id, 0));
        }
    }

    private void closeWebSocket(int code, String reason) {
        Connection c;
        synchronized (this) {
            if (over) {
                return;
            }
            over = true;
            c = webSocket;
        }
        forget();
        if (c != null) {
            c.close(code, reason);
        }
    }

    /** The owner has nothing for this tunnel (it ended there): end it here as a lost link would. */
    private void ownerGone() {
        linkLost();
    }

    /** What the client's side was when the tunnel ended from the owner's side: one of them is set. */
    private record Ending(Connection webSocket, ResponseStream stream, boolean unanswered) {}

    /** Ends the tunnel here; {@code null} if it was over already. */
    private Ending end() {
        Ending ending;
        synchronized (this) {
            if (over) {
                return null;
            }
            over = true;
            ending = new Ending(webSocket, stream, !answered);
            answered = true;
            cancelDeadline();
        }
        forget();
        return ending;
    }

    /**
     * The owner is gone for good, and the page with it: the client hears "page expired" as it would
     * from the owner. A request still waiting for its answer is answered by this node as for any
     * page it does not know.
     */
    void nodeGone() {
        Ending ending = end();
        String reason = "page expired: its server is gone";
        if (ending == null) {
            return;
        } else if (ending.webSocket() != null) {
            ending.webSocket().close(CloseCodes.PAGE_GONE, reason);
        } else if (ending.stream() != null) {
            ending.stream().write(SseCloses.event(CloseCodes.PAGE_GONE, reason));
            ending.stream().end();
        } else if (ending.unanswered()) {
            relay.app().handle(exchange);
        }
    }

    /**
     * Messages between this node and the owner may have been lost: the client's connection ends in a
     * way that makes it reconnect (and resume); a request still waiting for its answer gets 502.
     */
    void linkLost() {
        Ending ending = end();
        if (ending == null) {
            return;
        } else if (ending.webSocket() != null) {
            ending.webSocket().close(CloseCodes.GOING_AWAY, "lost the link to the page's server: reconnect");
        } else if (ending.stream() != null) {
            ending.stream().end();
        } else if (ending.unanswered()) {
            exchange.respond(HttpResponse.text(502, "lost the link to the page's server"), null);
        }
    }

    /** The owner did not answer in time. */
    private void noAnswer() {
        synchronized (this) {
            if (answered || over) {
                return;
            }
            answered = true;
            over = true;
        }
        forget();
        link.send(new Wire.Writer(Relay.EDGE_END, id, 0));
        exchange.respond(HttpResponse.text(504, "the page's server did not answer in time"), null);
    }

    /** The client's side ended (aborted request, stream or WebSocket closed): the owner's side ends too. */
    private void clientGone() {
        synchronized (this) {
            if (over) {
                return;
            }
            over = true;
            cancelDeadline();
        }
        forget();
        link.send(new Wire.Writer(Relay.EDGE_END, id, 0));
    }

    private synchronized boolean isOver() {
        return over;
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void forget() {
        link.edges.remove(id, this);
    }
}
