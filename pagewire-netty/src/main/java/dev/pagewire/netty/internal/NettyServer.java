package dev.pagewire.netty.internal;

import dev.pagewire.netty.ServerSettings;
import dev.pagewire.spi.Protocol;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Netty server behind {@code PagewireServer}: binds the port, builds each connection's pipeline
 * and owns the event loops.
 */
public final class NettyServer {

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final URI uri;

    private NettyServer(Protocol app, ServerSettings settings, PassThrough passThrough) {
        Protocol protocol = settings.metricsPath() == null
                ? app
                : new MetricsScrape(app, settings.metricsPath(), settings.metricsScrape());
        // The gateway's pass-through stays on HTTP/1.1: its forwarder answers with HTTP/1.1's framing
        // (a body ended by closing the connection, a 101 switching the connection to raw bytes).
        // Read before any thread starts, so bad PEM files fail start with nothing to clean up.
        ServerTls tls = settings.tls()
                ? ServerTls.load(
                        settings.tlsCertificate(), settings.tlsPrivateKey(), settings.http2() && passThrough == null)
                : null;
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(settings.ioThreads(), NioIoHandler.newFactory());
        // Handlers woken by one pass over the ready connections start together after it.
        for (EventExecutor loop : workers) {
            loop.execute(() -> protocol.batchHandlerStarts(loop));
        }
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ServerInitializer(protocol, settings, channels, tls, passThrough));
            serverChannel =
                    bootstrap.bind(settings.host(), settings.port()).sync().channel();
        } catch (Exception e) {
            shutdownGroups();
            throw new IllegalStateException(
                    "cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        String host = settings.host().equals("0.0.0.0") || settings.host().equals("::") ? "localhost" : settings.host();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        uri = URI.create((tls != null ? "https://" : "http://") + host + ":" + bound.getPort() + "/");
    }

    /**
     * Starts a server that hands every request to {@code protocol}.
     *
     * @throws IllegalStateException if the port cannot be bound, or the TLS files cannot be read or
     *     are not a valid certificate chain and its private key (the message names the file)
     */
    public static NettyServer start(Protocol protocol, ServerSettings settings) {
        return new NettyServer(protocol, settings, null);
    }

    /**
     * {@link #start(Protocol, ServerSettings)} with the requests the protocol does not claim going to
     * {@code passThrough}, bodies streamed (the gateway).
     */
    public static NettyServer start(Protocol protocol, ServerSettings settings, PassThrough passThrough) {
        return new NettyServer(protocol, settings, Objects.requireNonNull(passThrough, "passThrough"));
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public URI uri() {
        return uri;
    }

    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutdownGroups();
        closed.countDown();
    }

    private void shutdownGroups() {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
