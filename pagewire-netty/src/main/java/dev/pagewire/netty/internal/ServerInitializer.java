package dev.pagewire.netty.internal;

import dev.pagewire.netty.ServerSettings;
import dev.pagewire.spi.Connection;
import dev.pagewire.spi.Gateway;
import dev.pagewire.spi.Session;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Builds the pipeline of each accepted connection: TLS if set, HTTP codec, limits, compression, router. */
final class ServerInitializer extends ChannelInitializer<SocketChannel> {

    static final String IDLE = "http-idle";

    private final Gateway gateway;
    private final ServerSettings settings;
    private final Map<String, Function<Connection, Session>> rawSockets;
    private final Executor renderers;
    private final ChannelGroup channels;
    private final Fallbacks fallbacks;
    private final EndpointOpens endpointOpens;
    private final ServerTls tls;

    /** {@code tls} is null for plain HTTP. */
    ServerInitializer(Gateway gateway, ServerSettings settings,
                      Map<String, Function<Connection, Session>> rawSockets,
                      Executor renderers, ChannelGroup channels, ServerTls tls) {
        this.gateway = gateway;
        this.settings = settings;
        this.rawSockets = rawSockets;
        this.renderers = renderers;
        this.channels = channels;
        this.fallbacks = new Fallbacks(gateway, settings);
        this.endpointOpens = new EndpointOpens(gateway, renderers);
        this.tls = tls;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            tls.addTo(p); // first: everything after it sees plain bytes
        }
        p.addLast(IDLE, new IdleStateHandler(0, 0, settings.httpIdleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        p.addLast(new HttpServerCodec(4096, settings.maxHeaderBytes(), 8192));
        p.addLast(new HttpObjectAggregator(settings.maxRequestBytes()));
        if (gateway.settings().compression()) {
            // An explicit inflate limit: the no-argument constructor would let a small compressed
            // message inflate without bound (a decompression bomb).
            p.addLast(new WebSocketServerCompressionHandler(gateway.settings().maxMessageBytes()));
        }
        p.addLast(new HttpRouter(gateway, settings, rawSockets, renderers, fallbacks, endpointOpens));
    }
}
