package dev.pagewire.netty.internal;

import dev.pagewire.netty.ServerSettings;
import dev.pagewire.spi.Attachment;
import dev.pagewire.spi.Connection;
import dev.pagewire.spi.Gateway;
import dev.pagewire.spi.Rendered;
import dev.pagewire.spi.Session;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each HTTP request: the client's files, a page's channel (WebSocket upgrade of the page's
 * own URL), a page render, a static file, or 404. Rendering and file reads run on virtual threads;
 * this handler only decides and writes.
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

    private final Gateway gateway;
    private final ServerSettings settings;
    private final Map<String, Function<Connection, Session>> rawSockets;
    private final Executor workers;
    private final Fallbacks fallbacks;
    private final EndpointOpens endpointOpens;

    HttpRouter(Gateway gateway, ServerSettings settings, Map<String, Function<Connection, Session>> rawSockets,
               Executor workers, Fallbacks fallbacks, EndpointOpens endpointOpens) {
        this.gateway = gateway;
        this.settings = settings;
        this.rawSockets = rawSockets;
        this.workers = workers;
        this.fallbacks = fallbacks;
        this.endpointOpens = endpointOpens;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!req.decoderResult().isSuccess()) {
            Responses.text(ctx, false, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request\n");
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        if (isWebSocketUpgrade(req)) {
            upgrade(ctx, req, uri);
            return;
        }
        boolean get = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
        if (path.startsWith(gateway.clientPrefix())) {
            byte[] file = get ? gateway.clientFile(path.substring(gateway.clientPrefix().length())) : null;
            if (file == null) {
                Responses.text(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "not found\n");
            } else {
                Responses.bytes(ctx, keepAlive, HttpResponseStatus.OK,
                        StaticFiles.contentType(path), file, "no-cache");
            }
            return;
        }
        if (gateway.isChannelPath(path)) {
            if (req.method().equals(HttpMethod.OPTIONS)) {
                endpointOpens.preflight(ctx, req);
                return;
            }
            if (uri.parameters().containsKey("pagewire")) {
                // A channel request over plain HTTP: one of the fallback transports.
                String origin = req.headers().get(HttpHeaderNames.ORIGIN);
                if (!gateway.originAllowed(origin, req.headers().get(HttpHeaderNames.HOST))) {
                    Responses.text(ctx, keepAlive, HttpResponseStatus.FORBIDDEN, "origin not allowed: " + origin + "\n");
                    return;
                }
                fallbacks.handle(ctx, req, uri, origin);
                return;
            }
            if (gateway.isEndpoint(path)) {
                if (req.method().equals(HttpMethod.POST)) {
                    endpointOpens.open(ctx, req, path);
                } else {
                    Responses.text(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED,
                            "an endpoint has no page: open a channel to it (POST, or pagewire.open in a page)\n");
                }
                return;
            }
            if (!req.method().equals(HttpMethod.GET)) {
                Responses.text(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED,
                        "a page accepts GET (and its channel requests)\n");
                return;
            }
            render(ctx, keepAlive, NettyPageRequest.of(uri, req.headers(),
                    (InetSocketAddress) ctx.channel().remoteAddress()));
            return;
        }
        if (get && !gateway.staticRoots().isEmpty()) {
            serveStatic(ctx, keepAlive, path);
            return;
        }
        Responses.text(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "not found\n");
    }

    private void render(ChannelHandlerContext ctx, boolean keepAlive, NettyPageRequest request) {
        workers.execute(() -> {
            Rendered rendered = gateway.render(request);
            byte[] body = rendered.html().getBytes(StandardCharsets.UTF_8);
            HttpResponseStatus status = HttpResponseStatus.valueOf(rendered.status());
            String type = rendered.status() == 200 ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
            ctx.executor().execute(() -> Responses.bytes(ctx, keepAlive, status, type, body, "no-store"));
        });
    }

    private void serveStatic(ChannelHandlerContext ctx, boolean keepAlive, String path) {
        workers.execute(() -> {
            StaticFiles.Found found;
            try {
                found = StaticFiles.find(gateway.staticRoots(), path);
            } catch (Exception e) {
                log.warn("cannot read static file {}", path, e);
                ctx.executor().execute(() -> Responses.text(ctx, keepAlive,
                        HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot read file\n"));
                return;
            }
            ctx.executor().execute(() -> {
                if (found == null) {
                    Responses.text(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "not found\n");
                } else {
                    Responses.bytes(ctx, keepAlive, HttpResponseStatus.OK, found.contentType(), found.bytes(),
                            "no-cache");
                }
            });
        });
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
        String path = uri.path();
        Function<Connection, Session> raw = rawSockets.get(path);
        if (raw == null && !gateway.isChannelPath(path)) {
            Responses.text(ctx, false, HttpResponseStatus.NOT_FOUND, "no page at " + path + "\n");
            return;
        }
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        String host = req.headers().get(HttpHeaderNames.HOST);
        if (!gateway.originAllowed(origin, host)) {
            Responses.text(ctx, false, HttpResponseStatus.FORBIDDEN, "origin not allowed: " + origin + "\n");
            return;
        }
        if (raw == null && !settings.webSocket()) {
            // Stands in for a network that breaks WebSockets: the client falls back to HTTP.
            Responses.text(ctx, false, HttpResponseStatus.FORBIDDEN, "WebSocket is disabled on this server\n");
            return;
        }
        boolean tls = ctx.pipeline().get(SslHandler.class) != null;
        String location = (tls ? "wss://" : "ws://") + host + req.uri();
        WebSocketDecoderConfig decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(gateway.settings().maxMessageBytes())
                .allowExtensions(gateway.settings().compression())
                .closeOnProtocolViolation(true)
                .build();
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(location, null, decoderConfig).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        WebSocketConnection connection = new WebSocketConnection(ctx.channel());
        ChannelPipeline p = ctx.pipeline();
        // Frames may follow the upgrade request in the same read: the frame handlers go in first.
        p.addLast(new ReservedBitsValidator());
        p.addLast(new Utf8FrameValidator(true));
        p.addLast(new WebSocketFrameAggregator(gateway.settings().maxMessageBytes()));
        p.addLast(connection);
        p.remove(ServerInitializer.IDLE);
        handshaker.handshake(ctx.channel(), req).addListener(f -> {
            if (!f.isSuccess()) {
                ctx.close();
            }
        });
        p.remove(this);
        // Written after the 101 response, so the hello frame follows it on the wire.
        Attachment attachment = raw != null
                ? new Attachment.Accepted(raw.apply(connection))
                : gateway.attach(path, param(uri, "pagewire"), param(uri, "ack"), connection);
        switch (attachment) {
            case Attachment.Accepted a -> connection.bind(a.session());
            case Attachment.Refused r -> connection.close(r.code(), r.reason());
        }
    }

    private static String param(QueryStringDecoder uri, String name) {
        java.util.List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static boolean isWebSocketUpgrade(FullHttpRequest req) {
        return req.method().equals(HttpMethod.GET)
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && req.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
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
