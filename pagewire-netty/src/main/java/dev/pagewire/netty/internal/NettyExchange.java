package dev.pagewire.netty.internal;

import dev.pagewire.Settings;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.ResponseStream;
import dev.pagewire.spi.WebSocketHandler;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * One Netty HTTP request as an {@link HttpExchange}: the request copied out of Netty's reference
 * counted message (so the protocol may answer later, from any thread), and its answers written on
 * the channel's event loop with the length, keep-alive and close handling HTTP/1.x needs. On
 * HTTP/2 the channel is the request's stream ({@link Http2Handlers}): no connection headers, a close
 * ends the stream only, a HEAD answer's body is left out here (HTTP/1.1's codec does that itself),
 * and no WebSocket upgrade.
 */
final class NettyExchange implements HttpExchange {

    private final ChannelHandlerContext ctx;
    private final HttpMethod method;
    private final String uri;
    private final HttpVersion version;
    private final HttpHeaders headers;
    private final byte[] body;
    private final boolean keepAlive;
    private final Settings settings;
    private final boolean webSocket;
    /** The channel is an HTTP/2 stream. */
    private final boolean http2;

    private final AtomicBoolean answered = new AtomicBoolean();
    private Runnable done = () -> {}; // run on the event loop once the answer's last write is issued
    private volatile GenericFutureListener<Future<? super Void>> abortListener;

    NettyExchange(ChannelHandlerContext ctx, FullHttpRequest request, Settings settings, boolean webSocket) {
        this.ctx = ctx;
        this.method = request.method();
        this.uri = request.uri();
        this.version = request.protocolVersion();
        this.headers = request.headers();
        this.body = ByteBufUtil.getBytes(request.content());
        this.keepAlive = HttpUtil.isKeepAlive(request);
        this.settings = settings;
        this.webSocket = webSocket;
        this.http2 = ctx.channel() instanceof Http2StreamChannel;
    }

    /**
     * Runs {@code task} on the event loop once this exchange's answer is written to the channel (a
     * streamed answer: once it ends), so that the connection's next request may go (NettyRequests).
     */
    NettyExchange whenDone(Runnable task) {
        this.done = task;
        return this;
    }

    @Override
    public String method() {
        return method.name();
    }

    @Override
    public String target() {
        return uri;
    }

    @Override
    public String header(String name) {
        return headers.get(name);
    }

    @Override
    public int headerCount(String name) {
        return headers.getAll(name).size();
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        for (Map.Entry<String, String> header : headers) {
            action.accept(header.getKey(), header.getValue());
        }
    }

    @Override
    public String version() {
        return http2 ? "HTTP/2.0" : version.text();
    }

    @Override
    public boolean secure() {
        // An HTTP/2 stream's TLS is its connection's, the stream channel's parent.
        Channel connection = http2 ? ctx.channel().parent() : ctx.channel();
        return connection.pipeline().get(SslHandler.class) != null;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address : null;
    }

    @Override
    public byte[] body() {
        return body;
    }

    @Override
    public void respond(HttpResponse response, Runnable written) {
        answer();
        onLoop(() -> write(response, keepAlive, written));
    }

    /** Answers and closes the connection (a request the HTTP decoder could not read). */
    void respondAndClose(HttpResponse response) {
        answer();
        onLoop(() -> write(response, false, null));
    }

    private void write(HttpResponse response, boolean keepAlive, Runnable written) {
        forgetAbort();
        boolean headOnly = http2 && method.equals(HttpMethod.HEAD);
        FullHttpResponse out = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()),
                headOnly ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
        for (HttpResponse.Headers.Header h : response.headers().all()) {
            out.headers().add(h.name(), h.value());
        }
        if (response.status() != 304) {
            // A 304 has no body, and may only state the length of the 200 it stands for (RFC 9110 §8.6).
            out.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        }
        if (!http2) {
            // HTTP/2 has no Connection header: the stream ends with the response, the connection stays.
            HttpUtil.setKeepAlive(out, keepAlive);
            if (!keepAlive) {
                out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
        }
        ChannelFuture f = ctx.writeAndFlush(out);
        if (written != null) {
            f.addListener(x -> written.run());
        }
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
        done.run();
    }

    @Override
    public ResponseStream stream(int status, HttpResponse.Headers headers) {
        answer();
        forgetAbort();
        return new NettyStream(ctx.channel(), status, headers, version, done);
    }

    @Override
    public void upgrade(WebSocketHandler handler) {
        answer();
        onLoop(() -> handshake(handler));
    }

    private void handshake(WebSocketHandler handler) {
        forgetAbort();
        if (!webSocket) {
            // Stands in for a network that breaks WebSockets: the client falls back to HTTP.
            write(HttpResponse.text(403, "WebSocket is disabled on this server"), false, null);
            return;
        }
        if (http2) {
            // Not reached from a browser (HTTP/2 forbids Upgrade; the protocol refuses it first).
            write(HttpResponse.text(400, "a WebSocket opens over HTTP/1.1 on this server"), false, null);
            return;
        }
        String location = (secure() ? "wss://" : "ws://") + headers.get(HttpHeaderNames.HOST) + uri;
        WebSocketDecoderConfig decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(settings.maxMessageBytes())
                .allowExtensions(settings.compression())
                // The decoder's own close on a violation is a bare TCP close when the violation is
                // in a close frame (a code that may not be sent): WebSocketConnection answers every
                // violation itself, with a close frame that names it.
                .closeOnProtocolViolation(false)
                .build();
        // The handshake reads the head only; the request's body was released with it.
        FullHttpRequest head = new DefaultFullHttpRequest(
                version, method, uri, Unpooled.EMPTY_BUFFER, headers, EmptyHttpHeaders.INSTANCE);
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(location, null, decoderConfig).newHandshaker(head);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        // Offered permessage-deflate may be agreed on: then frames go through Netty's encoders.
        boolean mayDeflate = settings.compression()
                && headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS).stream()
                        .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("permessage-deflate"));
        WebSocketConnection connection = new WebSocketConnection(ctx.channel(), !mayDeflate);
        ChannelPipeline p = ctx.pipeline();
        ChannelHandlerContext compression = p.context(WebSocketServerCompressionHandler.class);
        if (compression != null) {
            // The inflater goes in right after the compression handler once the 101 is written.
            p.addBefore(compression.name(), null, new ContinuationBitsValidator());
        }
        // Frames may follow the upgrade request in the same read: the frame handlers go in first.
        p.addLast(new ReservedBitsValidator());
        p.addLast(new Utf8FrameValidator(false));
        p.addLast(new WebSocketFrameAggregator(settings.maxMessageBytes()));
        p.addLast(connection);
        if (p.get(ServerInitializer.IDLE) != null) {
            p.remove(ServerInitializer.IDLE);
        }
        RequestDeadlines.removeFrom(p); // else a WebSocket's frames would start a request's deadline
        handshaker.handshake(ctx.channel(), head).addListener(f -> {
            if (!f.isSuccess()) {
                ctx.close();
            }
        });
        p.remove(NettyRequests.class);
        // After the 101 response, so the protocol's first frame follows it on the wire.
        connection.bind(handler.open(connection));
    }

    @Override
    public void onAbort(Runnable task) {
        GenericFutureListener<Future<? super Void>> listener = f -> NettyStream.later(ctx.channel(), task);
        abortListener = listener;
        ctx.channel().closeFuture().addListener(listener);
    }

    /** The response is on its way: a close of the connection is no abort of this exchange any more. */
    private void forgetAbort() {
        GenericFutureListener<Future<? super Void>> listener = abortListener;
        if (listener != null) {
            abortListener = null;
            ctx.channel().closeFuture().removeListener(listener);
        }
    }

    private void answer() {
        if (!answered.compareAndSet(false, true)) {
            throw new IllegalStateException("this exchange was answered already");
        }
    }

    private void onLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            try {
                ctx.executor().execute(task);
            } catch (RejectedExecutionException e) {
                // The server is shutting down and the connection with it.
            }
        }
    }
}
