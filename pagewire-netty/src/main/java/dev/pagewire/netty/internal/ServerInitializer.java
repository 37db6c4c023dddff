package dev.pagewire.netty.internal;

import dev.pagewire.netty.ServerSettings;
import dev.pagewire.spi.Protocol;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Admits each accepted connection within its address's limit and builds its pipeline: TLS if set,
 * HTTP codec, limits and deadlines, compression, requests; over TLS with HTTP/2 on, the HTTP part
 * once ALPN has chosen between HTTP/2 ({@link Http2Handlers}) and HTTP/1.1.
 */
final class ServerInitializer extends ChannelInitializer<SocketChannel> {

    static final String IDLE = "http-idle";

    private final Protocol protocol;
    private final ServerSettings settings;
    private final ChannelGroup channels;
    private final ServerTls tls;
    private final AddressLimits limits;
    private final PassThrough passThrough;

    /** {@code tls} is null for plain HTTP; {@code passThrough} null answers what is not the protocol's 404. */
    ServerInitializer(
            Protocol protocol, ServerSettings settings, ChannelGroup channels, ServerTls tls, PassThrough passThrough) {
        this.protocol = protocol;
        this.passThrough = passThrough;
        this.settings = settings;
        this.channels = channels;
        this.tls = tls;
        this.limits =
                new AddressLimits(settings.maxConnectionsPerAddress(), settings.maxConnectionsPerPrivateAddress());
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (!limits.admit(ch)) {
            return; // closed before a byte is read
        }
        channels.add(ch);
        addHandlers(ch.pipeline(), protocol, settings, tls, passThrough);
    }

    /**
     * The handlers of one connection's pipeline, after the socket (also for tests on an embedded
     * channel): TLS if set, then HTTP/1.1 at once, or, when TLS offers HTTP/2, whichever protocol
     * the handshake agrees on ({@link ProtocolChoice}).
     */
    static void addHandlers(
            ChannelPipeline p, Protocol protocol, ServerSettings settings, ServerTls tls, PassThrough passThrough) {
        if (tls == null) {
            addHttp1(p, protocol, settings, passThrough);
            return;
        }
        tls.addTo(p); // first: everything after it sees plain bytes
        if (tls.http2()) {
            p.addLast(new ProtocolChoice(protocol, settings, passThrough));
        } else {
            addHttp1(p, protocol, settings, passThrough);
        }
    }

    /** The HTTP/1.1 handlers, after TLS if any. */
    static void addHttp1(ChannelPipeline p, Protocol protocol, ServerSettings settings, PassThrough passThrough) {
        p.addLast(IDLE, new IdleStateHandler(0, 0, settings.httpIdleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        RequestDeadlines deadlines = new RequestDeadlines(settings.requestHeadTimeout(), settings.requestBodyTimeout());
        p.addLast(RequestDeadlines.FIRST_BYTES, deadlines.firstBytes()); // after TLS: it sees requests' bytes
        p.addLast(new HttpServerCodec(4096, settings.maxHeaderBytes(), 8192));
        p.addLast(RequestDeadlines.REQUEST_PARTS, deadlines.requestParts());
        NettyRequests requests = new NettyRequests(protocol, settings.webSocket(), passThrough);
        p.addLast(
                passThrough == null
                        ? new HttpObjectAggregator(settings.maxRequestBytes())
                        : new ClaimedAggregator(protocol, settings.maxRequestBytes(), requests));
        if (protocol.settings().compression()) {
            // An explicit inflate limit: the no-argument constructor would let a small compressed
            // message inflate without bound (a decompression bomb).
            p.addLast(new WebSocketServerCompressionHandler(protocol.settings().maxMessageBytes()));
        }
        p.addLast(requests);
    }
}
