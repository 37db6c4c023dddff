package dev.pagewire.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The load generator's network: one Netty event-loop group and the TCP connections it opens to the
 * server under test. Connections are spread round-robin over the source addresses 127.0.0.1 …
 * 127.0.0.N, so that many connections do not exhaust the ephemeral ports of one address.
 *
 * <p>Thread-safe; {@link #close()} once when the run is over.
 */
final class Wire implements AutoCloseable {

    private final EventLoopGroup group;
    private final String host;
    private final int port;
    private final InetSocketAddress[] sources;
    private final AtomicInteger next = new AtomicInteger();

    /** {@code threads} 0 means one per available core. */
    Wire(String host, int port, int sourceAddresses, int threads) {
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        this.host = host;
        this.port = port;
        this.sources = new InetSocketAddress[Math.max(1, sourceAddresses)];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = new InetSocketAddress("127.0.0." + (1 + i), 0);
        }
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** Opens a TCP connection whose pipeline {@code init} sets up; completes when connected. */
    ChannelFuture connect(Consumer<ChannelPipeline> init) {
        InetSocketAddress source = sources[Math.floorMod(next.getAndIncrement(), sources.length)];
        return new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                // A port of a connection in TIME_WAIT may be bound again: churn opens many.
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        init.accept(ch.pipeline());
                    }
                })
                .connect(new InetSocketAddress(host, port), source);
    }

    /** Runs {@code task} on the channel's event loop (at once when already there). */
    static void onLoop(Channel channel, Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
