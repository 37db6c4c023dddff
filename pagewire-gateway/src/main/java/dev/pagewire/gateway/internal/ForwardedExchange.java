package dev.pagewire.gateway.internal;

import dev.pagewire.netty.internal.PassThrough;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request on its way to the backend and its answer on the way back (docs/GATEWAY.md): its own
 * backend connection on the client connection's event loop (so nothing here needs a lock), the
 * body streamed both ways with reading paused on the side that is ahead, the page of a navigation
 * made before and decided after the backend's head, and the client's script put into its HTML as
 * the body passes. Every method runs on that one event loop.
 */
final class ForwardedExchange implements PassThrough.Forward {

    private static final Logger log = LoggerFactory.getLogger(ForwardedExchange.class);

    /** Request body bytes held while the backend connection opens; over it the client is paused. */
    private static final int MAX_EARLY_BODY_BYTES = 64 * 1024;

    private final Forwarder forwarder;
    private final ChannelHandlerContext client;
    private final PassThrough.Flow flow;
    private final HttpRequest clientHead;
    private final boolean clientKeepAlive;
    private final boolean upgrade;
    private final ArrayDeque<HttpContent> early = new ArrayDeque<>();
    private int earlyBytes;
    private Renders.Render render;
    private Channel backend;
    private boolean backendReady;
    private boolean requestEnded;
    private boolean responseStarted;
    private boolean over;
    private boolean closeClientAfter;
    /** Answered before the request's body ended: {@link PassThrough.Flow#done} waits for its end. */
    private boolean doneAtRequestEnd;

    private HtmlInjection injection;
    private ScheduledFuture<?> headDeadline;

    ForwardedExchange(Forwarder forwarder, ChannelHandlerContext client, HttpRequest head, PassThrough.Flow flow) {
        this.forwarder = forwarder;
        this.client = client;
        this.flow = flow;
        this.clientHead = head;
        this.clientKeepAlive = HttpUtil.isKeepAlive(head);
        this.upgrade = ForwardedHeaders.isUpgrade(head);
    }

    /** Decides what the request is and starts it; the body follows through {@link #content}. */
    void start() {
        if (ForwardedHeaders.carriesToken(clientHead.uri())) {
            // A page token is the gateway's business only; one it did not take is stale or forged.
            answerEarly(HttpResponseStatus.NOT_FOUND, "no such page (its token is not valid here)", 0);
            return;
        }
        if (HttpUtil.is100ContinueExpected(clientHead)) {
            // Answered here, as reverse proxies do: the backend gets the body without asking.
            client.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        InetSocketAddress remote = client.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
        HttpHeaders headers =
                ForwardedHeaders.toBackend(clientHead, remote, client.pipeline().get(SslHandler.class) != null);
        if (ForwardedHeaders.isNavigation(clientHead)) {
            try {
                render = forwarder.renders().begin(clientHead.uri(), clientHead.headers(), remote);
            } catch (Renders.Refused refused) {
                answerEarly(
                        HttpResponseStatus.valueOf(refused.status()),
                        refused.getMessage(),
                        refused.retryAfterSeconds());
                return;
            }
            if (render != null) {
                // The HTML must come plain for the script to go in.
                headers.remove(HttpHeaderNames.ACCEPT_ENCODING);
                render.addRequestHeaders(headers);
            }
        }
        HttpRequest toBackend = new DefaultHttpRequest(
                HttpVersion.HTTP_1_1, clientHead.method(), forwarder.backendTarget(clientHead.uri()), headers);
        Bootstrap bootstrap = new Bootstrap()
                .group(client.channel().eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Forwarder.CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void handlerAdded(ChannelHandlerContext ctx) {
                        ctx.pipeline().addLast(new HttpClientCodec(4096, Forwarder.MAX_RESPONSE_HEAD_BYTES, 8192));
                        ctx.pipeline().addLast(new FromBackend());
                        ctx.pipeline().remove(this);
                    }
                });
        ChannelFuture connecting = bootstrap.connect(forwarder.backendAddress());
        backend = connecting.channel();
        connecting.addListener(f -> {
            if (over) {
                backend.close();
                return;
            }
            if (!f.isSuccess()) {
                log.debug("backend {} unreachable", forwarder.backendAddress(), f.cause());
                forwarder.unreachable(f.cause());
                failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY, "the backend cannot be reached");
                return;
            }
            backend.write(toBackend);
            backendReady = true;
            for (HttpContent part; (part = early.poll()) != null; ) {
                backend.write(part);
            }
            earlyBytes = 0;
            backend.flush();
            flow.pauseReading(!backend.isWritable());
            headDeadline = client.executor()
                    .schedule(this::headOverdue, forwarder.backendTimeoutMillis(), TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public void content(HttpContent part) {
        if (!part.decoderResult().isSuccess() && !over) {
            // A body the decoder could not read (a bad chunk size): nothing more of it may reach the
            // backend, and the connection cannot be trusted to find the next request.
            part.release();
            requestEnded = true;
            if (responseStarted) {
                client.close();
                end();
            } else {
                answerEarly(HttpResponseStatus.BAD_REQUEST, "malformed request body", 0, true);
            }
            return;
        }
        boolean last = part instanceof LastHttpContent;
        if (last) {
            requestEnded = true;
        }
        if (over || backend == null) {
            // Answered already: the rest of the body is read and dropped, then the next request may go.
            part.release();
            if (last && doneAtRequestEnd) {
                doneAtRequestEnd = false;
                flow.done();
            }
            return;
        }
        if (!backendReady) {
            early.add(part);
            earlyBytes += part.content().readableBytes();
            if (earlyBytes > MAX_EARLY_BODY_BYTES) {
                flow.pauseReading(true);
            }
            return;
        }
        backend.writeAndFlush(part);
        if (!backend.isWritable()) {
            flow.pauseReading(true);
        }
    }

    @Override
    public void clientWritable() {
        if (backend != null && !over) {
            backend.config().setAutoRead(true);
        }
    }

    @Override
    public void clientClosed() {
        end();
    }

    /** The backend's side: its answer, and its writability for the request body. */
    private final class FromBackend extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (over) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpResponse head) {
                if (!head.decoderResult().isSuccess()) {
                    ReferenceCountUtil.release(msg);
                    failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY, "the backend's answer is not valid HTTP");
                    return;
                }
                if (!answerHead(head)) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
            }
            if (msg instanceof HttpContent part) {
                answerPart(part);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!over && ctx.channel().isWritable()) {
                flow.pauseReading(false);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!over) {
                if (!responseStarted) {
                    failBeforeAnswer(
                            HttpResponseStatus.BAD_GATEWAY, "the backend closed the connection without an answer");
                } else {
                    // The answer was cut short: the client can only learn it from a closed connection.
                    client.close();
                    end();
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("backend connection failed", cause);
            ctx.close();
        }
    }

    /** The backend's answer head; {@code false} when it is not one to pass on (an interim 1xx). */
    private boolean answerHead(HttpResponse head) {
        int status = head.status().code();
        if (status == 101 && upgrade) {
            switchToRaw(head);
            return false;
        }
        if (status < 200) {
            return false; // 100 was answered here; 102/103 are hints a client may do without
        }
        cancelDeadline();
        HttpHeaders headers = head.headers();
        boolean bodyAllowed = !HttpMethod.HEAD.equals(clientHead.method()) && status != 204 && status != 304;
        long length = HttpUtil.getContentLength(head, -1L);
        boolean chunked = HttpUtil.isTransferEncodingChunked(head);
        if (render != null) {
            boolean injectable =
                    bodyAllowed && ForwardedHeaders.isHtml(headers) && !ForwardedHeaders.isEncoded(headers);
            String script = render.answered(status, headers, injectable);
            render = null;
            if (script != null) {
                injection = new HtmlInjection(script, forwarder.maxHtmlScanBytes());
            }
        }
        ForwardedHeaders.fromBackend(headers);
        if (bodyAllowed) {
            if (length >= 0 && !chunked) {
                long total = injection == null ? length : length + injection.addedBytes();
                headers.set(HttpHeaderNames.CONTENT_LENGTH, total);
            } else if (clientHead.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
                headers.remove(HttpHeaderNames.CONTENT_LENGTH);
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                closeClientAfter = true; // an HTTP/1.0 client reads to the end of the connection
            }
        }
        if (!clientKeepAlive || closeClientAfter) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            closeClientAfter = true;
        }
        responseStarted = true;
        client.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, head.status(), headers));
        return true;
    }

    private void answerPart(HttpContent part) {
        boolean last = part instanceof LastHttpContent;
        ByteBuf bytes = part.content().retain();
        part.release();
        if (injection != null) {
            ByteBuf now = injection.feed(bytes, client.alloc());
            if (last) {
                ByteBuf rest = injection.finish(client.alloc());
                now = now == null ? rest : rest == null ? now : Unpooled.wrappedBuffer(now, rest);
            }
            bytes = now == null ? Unpooled.EMPTY_BUFFER : now;
        }
        if (!last) {
            client.writeAndFlush(new DefaultHttpContent(bytes));
            if (!client.channel().isWritable()) {
                backend.config().setAutoRead(false);
            }
            return;
        }
        ChannelFuture written = client.writeAndFlush(new DefaultLastHttpContent(bytes));
        end();
        finish(written, closeClientAfter);
    }

    /**
     * After the last write of an answer: closes the connection, or lets its next request go once
     * this request's body has been read to its end.
     */
    private void finish(ChannelFuture written, boolean close) {
        if (close) {
            written.addListener(ChannelFutureListener.CLOSE);
        } else if (requestEnded) {
            written.addListener(f -> flow.done());
        } else {
            doneAtRequestEnd = true;
        }
    }

    /** The backend switched protocols: the 101 goes to the client, then both sides relay bytes. */
    private void switchToRaw(HttpResponse head) {
        cancelDeadline();
        responseStarted = true;
        over = true;
        FullHttpResponse switched = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, head.status(), Unpooled.EMPTY_BUFFER, head.headers(), HttpHeaders.EMPTY_HEADERS);
        client.writeAndFlush(switched);
        RawRelay toBackend = new RawRelay(backend);
        RawRelay toClient = new RawRelay(client.channel());
        flow.switchToRaw(toBackend);
        backend.config().setAutoRead(false);
        backend.pipeline().addLast(toClient);
        backend.pipeline().remove(FromBackend.class);
        backend.pipeline().remove(HttpClientCodec.class);
        toBackend.start();
        toClient.start();
    }

    private void headOverdue() {
        if (!over && !responseStarted) {
            failBeforeAnswer(
                    HttpResponseStatus.GATEWAY_TIMEOUT,
                    "the backend did not answer within " + forwarder.backendTimeoutMillis() / 1000 + " s");
        }
    }

    /** No answer came from the backend: the client gets {@code status} and the page (if any) is freed. */
    private void failBeforeAnswer(HttpResponseStatus status, String reason) {
        if (responseStarted) {
            client.close();
            end();
            return;
        }
        answerEarly(status, reason, 0);
    }

    /** Answers the client without (more of) the backend: a short text. */
    private void answerEarly(HttpResponseStatus status, String reason, long retryAfterSeconds) {
        answerEarly(status, reason, retryAfterSeconds, false);
    }

    private void answerEarly(HttpResponseStatus status, String reason, long retryAfterSeconds, boolean mustClose) {
        responseStarted = true;
        // After an upgrade request the client may send bytes that are not HTTP: only a close is safe.
        boolean close = mustClose || !clientKeepAlive || upgrade;
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(reason + "\n", StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (retryAfterSeconds > 0) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        end();
        finish(client.writeAndFlush(response), close);
    }

    /** Frees everything of this exchange: the backend connection, held parts, an unanswered page. */
    private void end() {
        if (over) {
            return;
        }
        over = true;
        cancelDeadline();
        if (render != null) {
            render.abandon();
            render = null;
        }
        if (injection != null) {
            injection.release();
        }
        for (HttpContent part; (part = early.poll()) != null; ) {
            part.release();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private void cancelDeadline() {
        if (headDeadline != null) {
            headDeadline.cancel(false);
            headDeadline = null;
        }
    }
}
