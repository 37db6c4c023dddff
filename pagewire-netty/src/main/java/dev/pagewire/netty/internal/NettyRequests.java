package dev.pagewire.netty.internal;

import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.Protocol;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayDeque;
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
 * connection (Netty's decoder closes it at 128 requests in flight anyway). Not thread-safe
 * (one per connection, on its event loop).
 */
final class NettyRequests extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(NettyRequests.class);

    /** Requests decoded but held back while the client does not read what was answered. */
    static final int MAX_WAITING = 1024;

    private final Protocol protocol;
    private final boolean webSocket;
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean answering; // a request went to the protocol and its answer is not written yet
    private boolean handling; // inside handle(): an answer written right away must not recurse into next()

    /** @param webSocket whether WebSocket upgrades are accepted ({@code ServerSettings.webSocket}) */
    NettyRequests(Protocol protocol, boolean webSocket) {
        this.protocol = protocol;
        this.webSocket = webSocket;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (waiting.isEmpty() && !answering && ctx.channel().isWritable()) {
            handle(ctx, request);
            return;
        }
        if (waiting.size() >= MAX_WAITING) {
            log.debug("closing {}: {} requests wait while the client reads no answers", ctx.channel(), waiting.size());
            ctx.close();
            return;
        }
        waiting.add(request.retain());
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        next(ctx);
        super.channelWritabilityChanged(ctx);
    }

    /** Hands the waiting requests over while they may go; reading resumes when none waits. */
    private void next(ChannelHandlerContext ctx) {
        while (!waiting.isEmpty()
                && !answering
                && ctx.channel().isWritable()
                && ctx.pipeline().get(NettyRequests.class) == this) {
            FullHttpRequest request = waiting.poll();
            try {
                handle(ctx, request);
            } finally {
                request.release();
            }
        }
        if (waiting.isEmpty() && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseWaiting();
        super.channelInactive(ctx);
    }

    private void releaseWaiting() {
        for (FullHttpRequest r; (r = waiting.poll()) != null; ) {
            r.release();
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
