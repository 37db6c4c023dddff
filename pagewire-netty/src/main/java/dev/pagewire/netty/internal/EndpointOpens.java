package dev.pagewire.netty.internal;

import dev.pagewire.spi.Answer;
import dev.pagewire.spi.Gateway;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

/**
 * The HTTP requests of docs/PROTOCOL.md §12.2 that carry no page token: opening an endpoint
 * connection ({@code POST} of an endpoint's path) and CORS preflights ({@code OPTIONS} of a page or
 * endpoint path). The caller has checked the path; this class checks the Origin. The core's open
 * runs on a virtual thread (the endpoint's authorizer and handler may block).
 */
final class EndpointOpens {

    private final Gateway gateway;
    private final Executor workers;

    EndpointOpens(Gateway gateway, Executor workers) {
        this.gateway = gateway;
        this.workers = workers;
    }

    /** {@code POST <endpoint>} with the body {@code {"params": …}}. */
    void open(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (!gateway.originAllowed(origin, req.headers().get(HttpHeaderNames.HOST))) {
            // No CORS headers: the browser reports a network error, as the same-origin policy wants.
            Responses.text(ctx, keepAlive, HttpResponseStatus.FORBIDDEN, "origin not allowed: " + origin + "\n");
            return;
        }
        String body = req.content().toString(StandardCharsets.UTF_8);
        workers.execute(() -> {
            Answer answer = gateway.openEndpoint(path, body, origin);
            ctx.executor().execute(() -> write(ctx, keepAlive, answer, origin));
        });
    }

    /** {@code OPTIONS} of a page or endpoint: a CORS preflight. */
    void preflight(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (origin == null || !gateway.originAllowed(origin, req.headers().get(HttpHeaderNames.HOST))) {
            Responses.text(ctx, keepAlive, HttpResponseStatus.FORBIDDEN, "origin not allowed: " + origin + "\n");
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        response.headers()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type")
                .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600")
                .set(HttpHeaderNames.CONTENT_LENGTH, 0);
        Responses.cors(response.headers(), origin, gateway.settings().allowCredentials());
        Responses.write(ctx, keepAlive, response);
    }

    private void write(ChannelHandlerContext ctx, boolean keepAlive, Answer answer, String origin) {
        HttpHeaders cors = Responses.cors(new DefaultHttpHeaders(), origin, gateway.settings().allowCredentials());
        Responses.bytes(ctx, keepAlive, HttpResponseStatus.valueOf(answer.status()), answer.contentType(),
                answer.body().getBytes(StandardCharsets.UTF_8), "no-store", cors);
    }
}
