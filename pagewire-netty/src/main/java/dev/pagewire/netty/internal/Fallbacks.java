package dev.pagewire.netty.internal;

import dev.pagewire.netty.ServerSettings;
import dev.pagewire.spi.Attachment;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.FrameLines;
import dev.pagewire.spi.Gateway;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The HTTP fallback transports' requests (docs/PROTOCOL.md §8): opening an SSE or long-polling
 * connection, polls, and the POSTs that carry frames to the server. The caller has checked that
 * the path is a page route or an endpoint and that the Origin is allowed. Runs on I/O threads and never blocks.
 */
final class Fallbacks {

    private final Gateway gateway;
    private final ServerSettings settings;
    private final FallbackConnections connections = new FallbackConnections();

    Fallbacks(Gateway gateway, ServerSettings settings) {
        this.gateway = gateway;
        this.settings = settings;
    }

    /** Open fallback connections (tests, diagnostics). */
    int openConnections() {
        return connections.size();
    }

    /** A request to a page path that carries a page token (the {@code pagewire} parameter). */
    void handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, String origin) {
        String path = uri.path();
        String token = param(uri, "pagewire");
        String conn = param(uri, "conn");
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpHeaders headers = Responses.fallbackHeaders(origin, gateway.settings().allowCredentials());
        if (req.method().equals(HttpMethod.POST)) {
            if (conn == null) {
                fail(ctx, keepAlive, headers, HttpResponseStatus.BAD_REQUEST, "a POST needs the conn parameter");
            } else {
                post(ctx, req, keepAlive, headers, path, token, conn);
            }
            return;
        }
        if (!req.method().equals(HttpMethod.GET)) {
            fail(ctx, keepAlive, headers, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "a channel request is a GET or a POST");
            return;
        }
        if (conn != null) {
            poll(ctx, keepAlive, headers, path, token, conn);
            return;
        }
        String transport = param(uri, "transport");
        if ("sse".equals(transport)) {
            openSse(ctx, req.protocolVersion(), headers, path, token, param(uri, "ack"));
        } else if ("longpolling".equals(transport)) {
            openLongPolling(ctx, keepAlive, headers, path, token, param(uri, "ack"));
        } else {
            fail(ctx, keepAlive, headers, HttpResponseStatus.BAD_REQUEST,
                    "unknown transport '" + transport + "': use sse or longpolling, or a WebSocket upgrade");
        }
    }

    private void openSse(ChannelHandlerContext ctx, HttpVersion version, HttpHeaders headers, String path,
                         String token, String ack) {
        SseConnection connection = new SseConnection(
                connections.newId(), gateway.pageIdOf(path, token), connections, ctx.channel());
        switch (gateway.attach(path, token, ack, connection)) {
            case Attachment.Accepted a -> {
                // A stream outlives any HTTP idle limit; the page's heartbeats watch it instead.
                if (ctx.pipeline().get(ServerInitializer.IDLE) != null) {
                    ctx.pipeline().remove(ServerInitializer.IDLE);
                }
                connections.add(connection);
                connection.bind(a.session());
                connection.start(headers, version);
            }
            case Attachment.Refused r -> {
                ctx.write(SseConnection.head(headers, version));
                ctx.write(new DefaultHttpContent(
                        SseConnection.event(FrameLines.close(r.code(), r.reason()))));
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    private void openLongPolling(ChannelHandlerContext ctx, boolean keepAlive, HttpHeaders headers,
                                 String path, String token, String ack) {
        LongPollConnection connection = new LongPollConnection(
                connections.newId(), gateway.pageIdOf(path, token), connections, settings.pollTimeout());
        switch (gateway.attach(path, token, ack, connection)) {
            case Attachment.Accepted a -> {
                connections.add(connection);
                connection.bind(a.session());
                connection.answerOpen(ctx, keepAlive, headers);
            }
            case Attachment.Refused r -> {
                byte[] line = FrameLines.line(FrameLines.close(r.code(), r.reason()));
                ByteBuf body = Unpooled.buffer(line.length + 1).writeBytes(line).writeByte('\n');
                Responses.fallback(ctx, keepAlive, HttpResponseStatus.OK, "text/plain; charset=utf-8",
                        body, headers, null);
            }
        }
    }

    private void poll(ChannelHandlerContext ctx, boolean keepAlive, HttpHeaders headers,
                      String path, String token, String conn) {
        FallbackConnection found = find(ctx, keepAlive, headers, path, token, conn);
        if (found == null) {
            return;
        }
        if (!(found instanceof LongPollConnection connection)) {
            fail(ctx, keepAlive, headers, HttpResponseStatus.BAD_REQUEST,
                    "connection " + conn + " is not a long-polling connection");
            return;
        }
        if (!connection.poll(ctx, keepAlive, headers)) {
            fail(ctx, keepAlive, headers, HttpResponseStatus.GONE, "the connection is closed");
        }
    }

    private void post(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive, HttpHeaders headers,
                      String path, String token, String conn) {
        // An unknown connection is not refused yet: a closing tab's bye may come after its stream ended.
        FallbackConnection connection = connections.get(conn);
        if (connection != null && !matches(connection, path, token)) {
            fail(ctx, keepAlive, headers, HttpResponseStatus.GONE, "the page token does not match the connection");
            return;
        }
        String body;
        try {
            body = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(req.content().nioBuffer())
                    .toString();
        } catch (CharacterCodingException e) {
            if (connection != null) {
                connection.close(CloseCodes.INVALID_PAYLOAD, "invalid UTF-8 in a POST");
            }
            fail(ctx, keepAlive, headers, HttpResponseStatus.BAD_REQUEST, "invalid UTF-8 in a POST");
            return;
        }
        List<String> lines = Arrays.asList(body.split("\r?\n", -1));
        FallbackConnection.Delivery delivery = connection == null ? FallbackConnection.Delivery.CLOSED
                : connection.deliver(lines, gateway.settings().maxMessageBytes());
        switch (delivery) {
            case ACCEPTED -> respond(ctx, keepAlive, headers, HttpResponseStatus.NO_CONTENT, null);
            case BAD_FRAME, INVALID_UTF8 -> fail(ctx, keepAlive, headers, HttpResponseStatus.BAD_REQUEST,
                    connection.closeReason());
            case TOO_BIG -> fail(ctx, keepAlive, headers, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "a frame is larger than " + gateway.settings().maxMessageBytes() + " bytes");
            case CLOSED -> {
                // A closing tab aborts its stream as its beacon leaves, so the connection may have
                // ended before (or while) the bye arrived: the page leaves all the same.
                if (saysBye(lines) && gateway.leave(path, token)) {
                    respond(ctx, keepAlive, headers, HttpResponseStatus.NO_CONTENT, null);
                } else {
                    fail(ctx, keepAlive, headers, HttpResponseStatus.GONE, connection == null
                            ? "no such connection (closed or expired)" : "the connection is closed");
                }
            }
        }
    }

    /** Whether the last frame line of a POST is {@code ["bye"]}. */
    private static boolean saysBye(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i).strip();
            if (!line.isEmpty()) {
                return line.equals("[\"bye\"]");
            }
        }
        return false;
    }

    /** The connection a poll or POST names, if the token is the one of its page; else answers 410. */
    private FallbackConnection find(ChannelHandlerContext ctx, boolean keepAlive, HttpHeaders headers,
                                    String path, String token, String conn) {
        FallbackConnection connection = connections.get(conn);
        if (connection == null) {
            fail(ctx, keepAlive, headers, HttpResponseStatus.GONE, "no such connection (closed or expired)");
            return null;
        }
        if (!matches(connection, path, token)) {
            fail(ctx, keepAlive, headers, HttpResponseStatus.GONE, "the page token does not match the connection");
            return null;
        }
        return connection;
    }

    /** Whether {@code token} is a genuine token of the page that owns {@code connection}. */
    private boolean matches(FallbackConnection connection, String path, String token) {
        String pageId = gateway.pageIdOf(path, token);
        return pageId != null && pageId.equals(connection.pageId());
    }

    private static void fail(ChannelHandlerContext ctx, boolean keepAlive, HttpHeaders headers,
                             HttpResponseStatus status, String reason) {
        respond(ctx, keepAlive, headers, status, reason + "\n");
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpHeaders headers,
                                HttpResponseStatus status, String body) {
        ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER
                : Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8));
        Responses.fallback(ctx, keepAlive, status, "text/plain; charset=utf-8", content, headers, null);
    }

    private static String param(QueryStringDecoder uri, String name) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
