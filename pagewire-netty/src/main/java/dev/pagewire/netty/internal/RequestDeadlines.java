package dev.pagewire.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpExpectationFailedEvent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Deadlines for receiving one HTTP request, so that a client sending a byte now and then cannot
 * hold a connection for ever (each byte would restart the idle timer): the head must be complete
 * within {@code requestHeadTimeout} of the request's first byte, the body within
 * {@code requestBodyTimeout} of the end of the head. Past either, the client gets {@code 408} and
 * the connection is closed.
 *
 * <p>Two handlers share one connection's state: {@link #firstBytes()} goes before the HTTP codec
 * (after TLS) and starts the head's deadline when bytes arrive while no request is in progress;
 * {@link #requestParts()} goes after the codec and moves on to the body's deadline at the end of the
 * head, and stops at the end of the request. The time between requests on a keep-alive connection,
 * and the time a response takes (an SSE stream, a long poll), are not theirs to bound: that is the
 * idle timeout's. A pipelined request whose head began in the read that ended the one before gets
 * its deadline from the next read. Both run on the connection's event loop only; a WebSocket
 * handshake removes them ({@link #removeFrom}).
 */
final class RequestDeadlines {

    static final String FIRST_BYTES = "request-deadline-bytes";
    static final String REQUEST_PARTS = "request-deadline-parts";

    private final long headNanos;
    private final long bodyNanos;

    /** From a request's first byte to its end. */
    private boolean inRequest;

    private ScheduledFuture<?> deadline;
    private ChannelHandlerContext parts;

    RequestDeadlines(Duration head, Duration body) {
        this.headNanos = head.toNanos();
        this.bodyNanos = body.toNanos();
    }

    /** The handler that goes right before the HTTP codec. */
    ChannelInboundHandlerAdapter firstBytes() {
        return new FirstBytes();
    }

    /** The handler that goes right after the HTTP codec, before the aggregator. */
    ChannelInboundHandlerAdapter requestParts() {
        return new RequestParts();
    }

    /** Removes both handlers: a connection that stopped speaking HTTP has no requests to time. */
    static void removeFrom(ChannelPipeline pipeline) {
        if (pipeline.get(FIRST_BYTES) != null) {
            pipeline.remove(FIRST_BYTES);
        }
        if (pipeline.get(REQUEST_PARTS) != null) {
            pipeline.remove(REQUEST_PARTS); // its handlerRemoved cancels a running deadline
        }
    }

    private void start(long nanos, String part) {
        cancel();
        if (parts != null) {
            deadline = parts.executor().schedule(() -> expired(part), nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void end() {
        cancel();
        inRequest = false;
    }

    /** Written through the codec (from the context after it), then the connection is closed. */
    private void expired(String part) {
        deadline = null;
        if (parts == null || !parts.channel().isActive()) {
            return;
        }
        byte[] text = ("the request's " + part + " did not arrive in time\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT, Unpooled.wrappedBuffer(text));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, text.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // Should a response be on its way already (a pipelined request behind a long poll), the
        // encoder refuses this one; the connection closes all the same.
        parts.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private final class FirstBytes extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!inRequest && msg instanceof ByteBuf bytes && bytes.isReadable()) {
                inRequest = true;
                start(headNanos, "head");
            }
            ctx.fireChannelRead(msg);
        }
    }

    private final class RequestParts extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            parts = ctx;
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            end();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                inRequest = true;
                start(bodyNanos, "body");
            }
            if (msg instanceof LastHttpContent) {
                end();
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof HttpExpectationFailedEvent) {
                // The aggregator refused an "Expect: 100-continue" body: the client will not send it.
                end();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            end();
            ctx.fireChannelInactive();
        }
    }
}
