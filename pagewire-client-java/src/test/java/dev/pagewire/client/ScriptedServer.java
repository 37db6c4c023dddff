package dev.pagewire.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket server at {@code /t} whose side of the protocol the test plays frame by frame, for
 * what a real Pagewire server never sends (an ack above what the client sent). Each connection
 * the client opens becomes a {@link Peer}, in order; a peer records the text frames it receives
 * and the close code the client ended it with.
 */
final class ScriptedServer implements AutoCloseable {

    private static final long WAIT_SECONDS = 10;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final BlockingQueue<Peer> peers = new LinkedBlockingQueue<>();

    ScriptedServer() throws InterruptedException {
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(TestServer.PATH)
                .checkStartsWith(true) // the query carries the token and the ack
                .handleCloseFrames(false) // the peer records the client's close code
                .build();
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        new HttpServerCodec(),
                                        new HttpObjectAggregator(65_536),
                                        new WebSocketServerProtocolHandler(config),
                                        new Peer());
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    URI page() {
        return URI.create(
                "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + TestServer.PATH);
    }

    /** The next connection the client opened, once its handshake is done. */
    Peer nextPeer() throws InterruptedException {
        Peer peer = peers.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (peer == null) {
            throw new AssertionError("no WebSocket connection within " + WAIT_SECONDS + " s");
        }
        return peer;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One connection of the client: what the test sends on it, and what the client sent and how it closed it. */
    final class Peer extends SimpleChannelInboundHandler<WebSocketFrame> {

        private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        private final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private volatile Channel channel;
        private volatile URI uri;

        /** The URI the client opened this connection with. */
        URI uri() {
            return uri;
        }

        void send(String frame) {
            channel.writeAndFlush(new TextWebSocketFrame(frame));
        }

        /** The next text frame the client sent. */
        String next() throws InterruptedException {
            String frame = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame from the client within " + WAIT_SECONDS + " s");
            }
            return frame;
        }

        /** The code of the client's close frame, or 1006 when the connection ended without one. */
        int closeCode() throws Exception {
            return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
                channel = ctx.channel();
                uri = URI.create(handshake.requestUri());
                peers.add(this);
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame text) {
                received.add(text.text());
            } else if (frame instanceof CloseWebSocketFrame close) {
                closed.complete(close.statusCode());
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            closed.complete(1006);
            super.channelInactive(ctx);
        }
    }
}
