package dev.pagewire.netty.internal;

import dev.pagewire.netty.ServerSettings;
import dev.pagewire.spi.Protocol;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handlers of an HTTP/2 connection (TLS with ALPN {@code h2}): Netty's frame codec, and for each
 * stream a channel of its own whose pipeline turns its frames into one HTTP request and its answer
 * back into frames, so that requests are handled as on HTTP/1.1 ({@link NettyRequests},
 * {@link NettyExchange}, {@link NettyStream}) with one request per stream instead of one at a time
 * per connection.
 *
 * <p>What differs from HTTP/1.1: the connection-level headers HTTP/2 forbids ({@code Connection},
 * {@code Keep-Alive}, {@code Transfer-Encoding}) are never sent; ending or abandoning a response
 * (the client's {@code RST_STREAM}, a slow consumer closed) ends its stream, not the connection; an
 * SSE stream is a long run of DATA frames whose flow-control window is the stream channel's
 * writability, so that a client that stops reading stops the writes and {@link NettyStream}'s
 * queued bytes grow until the protocol's limit ends the stream. The body deadline runs per stream
 * ({@link RequestDeadlines}); a head is one HEADERS frame, bounded in size by
 * SETTINGS_MAX_HEADER_LIST_SIZE ({@code maxHeaderBytes}). The idle timeout closes a connection that
 * has had no stream open for that long ({@link IdleWithoutStreams}): PINGs do not keep it.
 *
 * <p>WebSocket over HTTP/2 (RFC 8441's extended CONNECT) is not offered: SETTINGS_ENABLE_CONNECT_PROTOCOL
 * is left unset, so browsers open their WebSocket on an HTTP/1.1 connection of its own. Netty knows
 * the setting and the {@code :protocol} pseudo-header but has no server handshake nor frame path for
 * a WebSocket on a stream; one written here would be a second WebSocket implementation beside
 * Netty's {@code websocketx} (compression, validation, the Autobahn-tested close handling), for a
 * gain of one TCP connection per page.
 */
final class Http2Handlers {

    static final String IDLE = "h2-idle";

    private Http2Handlers() {}

    /** Adds HTTP/2 after TLS in a connection whose handshake chose {@code h2}. */
    static void addTo(ChannelPipeline p, Protocol protocol, ServerSettings settings) {
        Http2Settings initial = Http2Settings.defaultSettings()
                .maxConcurrentStreams(settings.maxConcurrentStreams())
                .maxHeaderListSize(settings.maxHeaderBytes());
        IdleWithoutStreams idle = new IdleWithoutStreams(settings.httpIdleTimeout());
        p.addLast(IDLE, idle);
        p.addLast(Http2FrameCodecBuilder.forServer()
                .initialSettings(initial)
                // Closing (idle, server stop) sends GOAWAY and closes at once instead of waiting
                // for open streams to end: an SSE stream does not end by itself.
                .gracefulShutdownTimeoutMillis(0)
                .build());
        p.addLast(new Http2MultiplexHandler(new Streams(protocol, settings, idle)));
    }

    /** Builds each stream channel's pipeline: the request handling of HTTP/1.1 behind a frame converter. */
    private static final class Streams extends ChannelInitializer<Http2StreamChannel> {

        private final Protocol protocol;
        private final ServerSettings settings;
        private final IdleWithoutStreams idle;

        Streams(Protocol protocol, ServerSettings settings, IdleWithoutStreams idle) {
            this.protocol = protocol;
            this.settings = settings;
            this.idle = idle;
        }

        @Override
        protected void initChannel(Http2StreamChannel stream) {
            idle.opened();
            stream.closeFuture().addListener(f -> idle.closed());
            ChannelPipeline p = stream.pipeline();
            p.addLast(new Http2StreamFrameToHttpObjectCodec(true));
            p.addLast(RequestHeads.INSTANCE);
            RequestDeadlines deadlines =
                    new RequestDeadlines(settings.requestHeadTimeout(), settings.requestBodyTimeout());
            p.addLast(RequestDeadlines.REQUEST_PARTS, deadlines.requestParts());
            p.addLast(new HttpObjectAggregator(settings.maxRequestBytes()));
            // No WebSocket on a stream (see the class comment): an upgrade request is refused.
            p.addLast(new NettyRequests(protocol, false, null));
        }
    }

    /**
     * Takes the converter's own {@code x-http2-*} headers (stream id, scheme) off a request, so that
     * the protocol sees the headers the client sent (its {@code :authority} is the {@code Host}).
     */
    @ChannelHandler.Sharable
    static final class RequestHeads extends ChannelInboundHandlerAdapter {

        static final RequestHeads INSTANCE = new RequestHeads();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                for (HttpConversionUtil.ExtensionHeaderNames added : HttpConversionUtil.ExtensionHeaderNames.values()) {
                    request.headers().remove(added.text());
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Closes an HTTP/2 connection (GOAWAY) once it has had no stream open for the idle timeout. A
     * stream in progress (a long poll, an SSE stream) keeps it: the protocol's heartbeats watch those.
     * On the connection's event loop, where its stream channels also run.
     */
    static final class IdleWithoutStreams extends ChannelInboundHandlerAdapter {

        private static final Logger log = LoggerFactory.getLogger(IdleWithoutStreams.class);

        private final long nanos;
        private ChannelHandlerContext ctx;
        private int open;
        private ScheduledFuture<?> timer;

        IdleWithoutStreams(Duration timeout) {
            this.nanos = timeout.toNanos();
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            schedule();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            cancel();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            ctx.fireChannelInactive();
        }

        void opened() {
            open++;
            cancel();
        }

        void closed() {
            if (--open == 0) {
                schedule();
            }
        }

        private void schedule() {
            cancel();
            if (ctx != null && ctx.channel().isActive()) {
                timer = ctx.executor().schedule(this::expired, nanos, TimeUnit.NANOSECONDS);
            }
        }

        private void expired() {
            timer = null;
            log.debug("closing HTTP/2 connection {}: no stream for {} ms", ctx.channel(), nanos / 1_000_000);
            ctx.channel().close(); // through the whole pipeline: the frame codec sends GOAWAY
        }

        private void cancel() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }
}
