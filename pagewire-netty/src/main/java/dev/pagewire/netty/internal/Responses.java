package dev.pagewire.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Writes complete HTTP responses with length, keep-alive and the headers every response carries. */
final class Responses {

    private Responses() {}

    static void text(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String body) {
        bytes(ctx, keepAlive, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), "no-store");
    }

    static void bytes(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status,
                      String contentType, byte[] body, String cacheControl) {
        bytes(ctx, keepAlive, status, contentType, body, cacheControl, null);
    }

    /** Like {@link #bytes(ChannelHandlerContext, boolean, HttpResponseStatus, String, byte[], String)}, plus {@code extra} headers. */
    static void bytes(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status,
                      String contentType, byte[] body, String cacheControl, HttpHeaders extra) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, cacheControl)
                .set("X-Content-Type-Options", "nosniff");
        if (extra != null) {
            response.headers().add(extra);
        }
        write(ctx, keepAlive, response);
    }

    /**
     * A complete response of a fallback transport: never cached or transformed, never buffered by
     * proxies that honour {@code X-Accel-Buffering} (docs/PROTOCOL.md §8.2), plus {@code extra}
     * headers (CORS). {@code written} runs when the write completed or failed.
     */
    static void fallback(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status,
                         String contentType, ByteBuf body, HttpHeaders extra, Runnable written) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set("X-Content-Type-Options", "nosniff")
                .add(extra);
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture f = ctx.writeAndFlush(response);
        if (written != null) {
            f.addListener(done -> written.run());
        }
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * The headers of every fallback response, and CORS for an allowed cross-origin request
     * (docs/PROTOCOL.md §12.2).
     */
    static HttpHeaders fallbackHeaders(String origin, boolean allowCredentials) {
        HttpHeaders headers = new DefaultHttpHeaders()
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store, no-transform")
                .set("X-Accel-Buffering", "no");
        return cors(headers, origin, allowCredentials);
    }

    /**
     * Adds CORS headers for an allowed {@code origin} (the caller checked it; {@code null}: none):
     * the origin itself, never {@code *}, and credentials only when the application allows them.
     */
    static HttpHeaders cors(HttpHeaders headers, String origin, boolean allowCredentials) {
        if (origin != null) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin).set(HttpHeaderNames.VARY, "Origin");
            if (allowCredentials) {
                headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            }
        }
        return headers;
    }

    static void write(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        HttpUtil.setKeepAlive(response, keepAlive);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
        }
    }
}
