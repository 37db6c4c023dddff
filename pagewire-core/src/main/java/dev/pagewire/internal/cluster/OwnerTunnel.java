package dev.pagewire.internal.cluster;

import dev.pagewire.spi.Connection;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.OutFrame;
import dev.pagewire.spi.ResponseStream;
import dev.pagewire.spi.Session;
import dev.pagewire.spi.WebSocketHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's end of a tunnel: the request another node (the edge) received, handed to this node's
 * protocol as an {@link HttpExchange} whose answers travel back to the edge, and, for a WebSocket,
 * the {@link Connection} the page attaches to. To the protocol it is one more adapter: a byte pipe.
 * Callbacks that the SPI says never run inside the protocol's calls (stream closed, abort, session
 * closed) run on the protocol's timer thread. Thread-safe.
 */
final class OwnerTunnel implements HttpExchange {

    private static final Logger log = LoggerFactory.getLogger(OwnerTunnel.class);

    private final Relay relay;
    private final Relay.Link link;
    private final long id;

    private boolean upgraded;
    private boolean secure;
    private String method;
    private String target;
    private String contextPath;
    private String version;
    private InetSocketAddress remote;
    private HttpResponse.Headers headers;
    private byte[] body;

    // Guarded by this.
    private WebSocketHandler handler;
    private Session session;
    private final List<Runnable> onEnd = new ArrayList<>();
    private boolean answered;
    private boolean over;

    OwnerTunnel(Relay relay, Relay.Link link, long id) {
        this.relay = relay;
        this.link = link;
        this.id = id;
    }

    /** Reads the request and hands it to the protocol, as an adapter would. */
    void open(Wire.Reader in) {
        int flags = in.i8();
        upgraded = (flags & 1) != 0;
        secure = (flags & 2) != 0;
        method = in.str();
        target = in.str();
        contextPath = in.str();
        version = in.str();
        String host = in.str();
        int port = in.i32();
        remote = host == null ? null : InetSocketAddress.createUnresolved(host, port);
        headers = in.headers();
        body = in.bytes();
        boolean handled = relay.app().handle(this);
        WebSocketHandler h;
        synchronized (this) {
            h = handler;
        }
        if (upgraded && h != null) {
            Session s = h.open(new RelayedWebSocket());
            boolean endedMeanwhile;
            synchronized (this) {
                session = s;
                endedMeanwhile = over;
            }
            if (endedMeanwhile) {
                s.closed();
            }
        } else if (!handled || (upgraded && h == null)) {
            // The edge routed it here as a page's channel request; this node does not see it so.
            log.warn("a request relayed by node {} is not a channel request here: {} {}", link.peer, method, target);
            if (upgraded) {
                send(new Wire.Writer(Relay.CLOSE, id, 64).i32(1011).str("not a channel request on the page's server"));
            } else {
                respond(HttpResponse.text(404, "not found"), null);
            }
            end();
        }
    }

    /** A message from the edge: the WebSocket's, or the end of the client's side. */
    void fromEdge(Wire.Reader in) {
        switch (in.type) {
            case Relay.IN_TEXT -> {
                Session s = session();
                if (s != null) {
                    s.text(in.str());
                }
            }
            case Relay.IN_BINARY -> {
                Session s = session();
                if (s != null) {
                    s.binary(in.bytes());
                }
            }
            case Relay.EDGE_END -> end();
            default -> throw new Wire.Malformed("type " + in.type + " is not for an owner");
        }
    }

    /** Messages to or from the edge may have been lost: this side ends as if the client went away. */
    void linkLost() {
        end();
    }

    private synchronized Session session() {
        return over ? null : session;
    }

    /** The tunnel is over: it leaves the link, and whoever waits for its end hears of it, once. */
    private void end() {
        List<Runnable> tasks;
        Session s;
        synchronized (this) {
            if (over) {
                return;
            }
            over = true;
            tasks = List.copyOf(onEnd);
            onEnd.clear();
            s = session;
        }
        link.owned.remove(id, this);
        if (s != null) {
            relay.defer(s::closed);
        }
        for (Runnable task : tasks) {
            relay.defer(task);
        }
    }

    private void send(Wire.Writer message) {
        link.send(message);
    }

    // ---- HttpExchange: the request as the edge received it

    @Override
    public String method() {
        return method;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public String contextPath() {
        return contextPath;
    }

    @Override
    public String header(String name) {
        return headers.get(name);
    }

    @Override
    public int headerCount(String name) {
        int n = 0;
        for (HttpResponse.Headers.Header h : headers.all()) {
            if (h.name().equalsIgnoreCase(name)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        for (HttpResponse.Headers.Header h : headers.all()) {
            action.accept(h.name(), h.value());
        }
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public boolean secure() {
        return secure;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public byte[] body() {
        return body;
    }

    // ---- HttpExchange: answers, sent to the edge

    @Override
    public void respond(HttpResponse response, Runnable written) {
        synchronized (this) {
            if (answered) {
                return;
            }
            answered = true;
        }
        send(new Wire.Writer(Relay.RESPOND, id, response.body().length + 256)
                .i32(response.status())
                .str(response.reason())
                .headers(response.headers())
                .bytes(response.body()));
        end();
        if (written != null) {
            relay.defer(written); // handed on: the edge's socket counts it from here
        }
    }

    @Override
    public ResponseStream stream(int status, HttpResponse.Headers streamHeaders) {
        synchronized (this) {
            if (answered) {
                throw new IllegalStateException("answered already");
            }
            answered = true;
        }
        send(new Wire.Writer(Relay.STREAM, id, 256).i32(status).headers(streamHeaders));
        return new RelayedStream();
    }

    @Override
    public void upgrade(WebSocketHandler webSocketHandler) {
        synchronized (this) {
            if (!upgraded || answered) {
                throw new IllegalStateException("not a WebSocket upgrade, or answered already");
            }
            answered = true;
            handler = webSocketHandler;
        }
    }

    @Override
    public void onAbort(Runnable task) {
        whenOver(task);
    }

    private void whenOver(Runnable task) {
        boolean now;
        synchronized (this) {
            now = over;
            if (!now) {
                onEnd.add(task);
            }
        }
        if (now) {
            relay.defer(task);
        }
    }

    /** An SSE stream whose bytes go to the edge's client. */
    private final class RelayedStream implements ResponseStream {
        private boolean ended; // guarded by OwnerTunnel.this

        @Override
        public void write(byte[] bytes) {
            synchronized (OwnerTunnel.this) {
                if (ended || over) {
                    return;
                }
            }
            send(new Wire.Writer(Relay.WRITE, id, bytes.length).bytes(bytes));
        }

        /** The edge bounds what waits for its client; this side holds nothing. */
        @Override
        public long queuedBytes() {
            return 0;
        }

        @Override
        public void end() {
            synchronized (OwnerTunnel.this) {
                if (ended || over) {
                    return;
                }
                ended = true;
            }
            send(new Wire.Writer(Relay.STREAM_END, id, 0));
            OwnerTunnel.this.end();
        }

        @Override
        public void onClosed(Runnable task) {
            whenOver(task);
        }
    }

    /** The client's WebSocket at the edge, as the page sees it. */
    private final class RelayedWebSocket implements Connection {
        private boolean closed; // guarded by OwnerTunnel.this

        @Override
        public String transport() {
            return "websocket";
        }

        @Override
        public void send(OutFrame frame) {
            synchronized (OwnerTunnel.this) {
                if (closed || over) {
                    return;
                }
            }
            link.frame(id, frame.binary(), frame.payload());
        }

        /** The edge bounds what waits for its client (closing with 4503); this side holds nothing. */
        @Override
        public long queuedBytes() {
            return 0;
        }

        @Override
        public void close(int code, String reason) {
            synchronized (OwnerTunnel.this) {
                if (closed || over) {
                    return;
                }
                closed = true;
            }
            OwnerTunnel.this.send(
                    new Wire.Writer(Relay.CLOSE, id, 128).i32(code).str(reason));
            end();
        }
    }
}
