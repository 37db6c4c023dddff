package dev.pagewire.netty.internal;

import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.Protocol;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each complete HTTP request to the protocol as a {@link NettyExchange}; answers what the HTTP
 * decoder could not read ({@link #unreadable}) and {@code 404} to what the protocol says is not its own.
 *
 * <p>Requests of one connection are answered one at a time, in order, as HTTP/1.1 pipelining
 * requires: the next goes to the protocol once the answer before it is written, and only while the
 * connection's outbound buffer is under its high-water mark. A client that sends requests and does
 * not read the answers (pipelined GETs of a large file, say) thus cannot make the server queue
 * answers without end: its requests wait here, unanswered, and the connection stops reading, so
 * that what waits is at most what one read brought; more than {@value #MAX_WAITING} closes the
 * connection (Netty's decoder closes it at 128 requests in flight anyway).
 *
 * <p>With a {@link PassThrough} (the gateway), the requests the protocol does not claim come
 * unaggregated ({@link ClaimedAggregator}): their head goes to the pass-through in turn like any
 * request, and their body parts follow as they arrive. Not thread-safe (one per connection, on its
 * event loop).
 */
final class NettyRequests extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(NettyRequests.class);

    /** Requests (and pass-through body parts) decoded but held back while an answer is due. */
    static final int MAX_WAITING = 1024;

    private final Protocol protocol;
    private final boolean webSocket;
    private final PassThrough passThrough;
    /** {@link FullHttpRequest}s, pass-through heads ({@link HttpRequest}) and their parts, in order. */
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();

    private boolean answering; // a request went on and its answer is not written yet
    private boolean handling; // inside handle(): an answer written right away must not recurse into next()
    private PassThrough.Forward forward; // the pass-through request being answered, or null
    private boolean feeding; // its body is still arriving
    private boolean pausedByForward; // the pass-through asked not to read (its backend is slow)

    /**
     * @param webSocket whether WebSocket upgrades are accepted ({@code ServerSettings.webSocket})
     * @param passThrough takes the requests the protocol does not claim; {@code null}: they get 404
     */
    NettyRequests(Protocol protocol, boolean webSocket, PassThrough passThrough) {
        this.protocol = protocol;
        this.webSocket = webSocket;
        this.passThrough = passThrough;
    }

    private ChannelHandlerContext ctx;
    /** The context pass-through responses are written from: {@link ClaimedAggregator}'s. */
    private ChannelHandlerContext responses;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** A pass-through request's head or body part, from {@link ClaimedAggregator} (its context). */
    void passing(ChannelHandlerContext aggregator, Object msg) {
        responses = aggregator;
        channelRead(ctx, msg);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest) && !(msg instanceof HttpContent)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (waiting.isEmpty() && mayGo(ctx, msg)) {
            go(ctx, msg);
            return;
        }
        if (waiting.size() >= MAX_WAITING) {
            log.debug("closing {}: {} requests wait while the client reads no answers", ctx.channel(), waiting.size());
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        waiting.add(msg);
        ctx.channel().config().setAutoRead(false);
    }

    /** A request goes when nothing is being answered; a body part when its request is being forwarded. */
    private boolean mayGo(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            return !answering && ctx.channel().isWritable();
        }
        return feeding;
    }

    private void go(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case FullHttpRequest request -> {
                try {
                    handle(ctx, request);
                } finally {
                    request.release();
                }
            }
            case HttpRequest head -> forward(ctx, head);
            case HttpContent part -> {
                feeding = !(part instanceof LastHttpContent);
                forward.content(part);
            }
            default -> throw new IllegalStateException("not a request: " + msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (forward != null && ctx.channel().isWritable()) {
            forward.clientWritable();
        }
        next(ctx);
        super.channelWritabilityChanged(ctx);
    }

    /** Hands the waiting requests over while they may go; reading resumes when none waits. */
    private void next(ChannelHandlerContext ctx) {
        while (!waiting.isEmpty()
                && mayGo(ctx, waiting.peek())
                && ctx.pipeline().get(NettyRequests.class) == this) {
            go(ctx, waiting.poll());
        }
        readIfFree(ctx);
    }

    private void readIfFree(ChannelHandlerContext ctx) {
        boolean read = waiting.isEmpty() && !pausedByForward;
        if (read != ctx.channel().config().isAutoRead() && ctx.pipeline().get(NettyRequests.class) == this) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseWaiting();
        PassThrough.Forward f = forward;
        if (f != null) {
            forward = null;
            f.clientClosed();
        }
        super.channelInactive(ctx);
    }

    private void releaseWaiting() {
        for (Object r; (r = waiting.poll()) != null; ) {
            ReferenceCountUtil.release(r);
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        answering = true;
        handling = true;
        try {
            answer(ctx, request);
        } finally {
            handling = false;
        }
    }

    /** A request the protocol did not claim: to the pass-through, its body following. */
    private void forward(ChannelHandlerContext ctx, HttpRequest head) {
        if (passThrough == null) {
            // Only a ClaimedAggregator lets heads through, and it is there only with a pass-through.
            throw new IllegalStateException("a request passed through without a PassThrough");
        }
        answering = true;
        feeding = true;
        handling = true;
        try {
            forward = passThrough.open(responses, head, new Flow(ctx));
        } finally {
            handling = false;
        }
    }

    /** What the pass-through of one request tells this connection. */
    private final class Flow implements PassThrough.Flow {

        private final ChannelHandlerContext ctx;
        private boolean over;

        Flow(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void pauseReading(boolean paused) {
            if (!over) {
                pausedByForward = paused;
                readIfFree(ctx);
            }
        }

        @Override
        public void done() {
            if (over) {
                return;
            }
            over = true;
            forward = null;
            feeding = false;
            pausedByForward = false;
            answering = false;
            if (!handling) {
                next(ctx);
            }
        }

        @Override
        public void switchToRaw(ChannelHandler relay) {
            over = true;
            forward = null;
            feeding = false;
            ChannelPipeline p = ctx.pipeline();
            p.channel().config().setAutoRead(false);
            p.addLast(relay);
            for (Class<? extends ChannelHandler> http :
                    List.of(NettyRequests.class, ClaimedAggregator.class, WebSocketServerCompressionHandler.class)) {
                if (p.get(http) != null) {
                    p.remove(http);
                }
            }
            for (String name : List.of(ServerInitializer.IDLE)) {
                if (p.get(name) != null) {
                    p.remove(name);
                }
            }
            RequestDeadlines.removeFrom(p);
            // Last: what the decoder read ahead goes on to the relay as bytes.
            p.remove(HttpServerCodec.class);
        }
    }

    private void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
        NettyExchange exchange = new NettyExchange(ctx, request, protocol.settings(), webSocket).whenDone(() -> {
            answering = false;
            if (!handling) {
                next(ctx);
            }
        });
        if (!request.decoderResult().isSuccess()) {
            exchange.respondAndClose(unreadable(request.decoderResult().cause()));
            return;
        }
        if (!protocol.handle(exchange)) {
            exchange.respond(HttpResponse.text(404, "not found"), null);
        }
    }

    /**
     * The answer to a request the HTTP decoder could not read: {@code 414} for a request line over
     * its limit (RFC 9112 §3), {@code 431} for a head over {@code maxHeaderBytes} (RFC 6585 §5),
     * {@code 400} for anything else.
     */
    static HttpResponse unreadable(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponse.text(414, "request line too long");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponse.text(431, "request header fields too large");
        }
        return HttpResponse.text(400, "malformed HTTP request");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection {} failed", ctx.channel(), cause);
        ctx.close();
    }
}
