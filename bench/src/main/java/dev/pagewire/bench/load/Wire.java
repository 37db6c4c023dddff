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
 * server under test. Long-lived connections are spread round-robin over the source addresses
 * 127.0.0.2 … 127.0.0.(N+1), so that many connections do not exhaust the ephemeral ports of one
 * address. Short ones (a page's GET, every connection of the churn scenario, or all with N = 0)
 * leave source address and port to the kernel: a port chosen by {@code bind} before {@code connect}
 * may meet the server's TIME_WAIT of an earlier connection from that port, and its SYN is then
 * retried a second later; {@code connect} alone picks a port whose connection is free.
 *
 * <p>A wire reaches one port; {@link #to} gives a wire to another port (another node of a cluster,
 * another load balancer) on the same event loops and source addresses.
 *
 * <p>Thread-safe; {@link #close()} once when the run is over, on the wire made first.
 */
final class Wire implements AutoCloseable {

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final String host;
    private final int port;
    private final InetSocketAddress[] sources;
    private final AtomicInteger next;

    /** {@code threads} 0 means one per available core. */
    Wire(String host, int port, int sourceAddresses, int threads) {
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        this.ownsGroup = true;
        this.host = host;
        this.port = port;
        this.sources = new InetSocketAddress[sourceAddresses];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = new InetSocketAddress("127.0.0." + (2 + i), 0);
        }
        this.next = new AtomicInteger();
    }

    private Wire(Wire of, int port) {
        this.group = of.group;
        this.ownsGroup = false;
        this.host = of.host;
        this.port = port;
        this.sources = of.sources;
        this.next = of.next;
    }

    /** A wire to {@code otherPort} of the same host, sharing this one's event loops and source addresses. */
    Wire to(int otherPort) {
        return new Wire(this, otherPort);
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /**
     * Opens a long-lived TCP connection whose pipeline {@code init} sets up, from the next source
     * address; completes when connected.
     */
    ChannelFuture connect(Consumer<ChannelPipeline> init) {
        return connect(init, nextSource());
    }

    /**
     * The next source address for long-lived connections, or null when there are none: for a link
     * whose connections must all come from one address, as a browser's do (a load balancer that
     * hashes the source address sends them to one server).
     */
    InetSocketAddress nextSource() {
        return sources.length == 0 ? null : sources[Math.floorMod(next.getAndIncrement(), sources.length)];
    }

    /** Opens a long-lived TCP connection from {@code source} ({@link #nextSource}; null: the kernel picks). */
    ChannelFuture connect(Consumer<ChannelPipeline> init, InetSocketAddress source) {
        if (source == null) {
            return connectShort(init);
        }
        return bootstrap(init).connect(new InetSocketAddress(host, port), source);
    }

    /** Opens a short-lived TCP connection, source address and port left to the kernel. */
    ChannelFuture connectShort(Consumer<ChannelPipeline> init) {
        return bootstrap(init).connect(new InetSocketAddress(host, port));
    }

    private Bootstrap bootstrap(Consumer<ChannelPipeline> init) {
        return new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        init.accept(ch.pipeline());
                    }
                });
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
        if (!ownsGroup) {
            return;
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
