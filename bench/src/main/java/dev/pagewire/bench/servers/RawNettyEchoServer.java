package dev.pagewire.bench.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The floor of what the JVM can do: a minimal Netty WebSocket server that writes every text message
 * back as it came, on {@code ws://127.0.0.1:port/echo}; a plain GET of {@code /echo} gets the bench
 * page. For fan-out, every connection is in one group, and a message {@code fanout:DATA} goes to all
 * of them as {@code fan:DATA} (one buffer, shared). No protocol, no numbering, no pages: what any
 * framework on Netty adds is measured against it.
 * Speaks {@link ServerControl}'s protocol on stdin and stdout.
 *
 * <p>Usage: {@code java -cp pagewire-bench-all.jar dev.pagewire.bench.servers.RawNettyEchoServer [port]}
 */
public final class RawNettyEchoServer {

    private RawNettyEchoServer() {}

    private static final String FANOUT = "fanout:";

    /**
     * Starts the server on 127.0.0.1 ({@code args[0]}: the port, default a free one) and serves
     * {@link ServerControl} commands.
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        int port = ServerControl.port(args);
        ChannelGroup fan = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
        Channel server = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        new HttpServerCodec(),
                                        new HttpObjectAggregator(65536),
                                        new PageHandler(),
                                        new WebSocketServerProtocolHandler("/echo"),
                                        new Echo(fan));
                    }
                })
                .bind("127.0.0.1", port)
                .sync()
                .channel();
        ServerControl.serve(((InetSocketAddress) server.localAddress()).getPort(), () -> {
            server.close().syncUninterruptibly();
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        });
    }

    /** Answers a plain GET (no upgrade) with the bench page; lets upgrades through. */
    private static final class PageHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        PageHandler() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (req.headers().contains(HttpHeaderNames.UPGRADE)) {
                ctx.fireChannelRead(req);
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            req.release();
            var res = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(BenchHtml.PAGE, StandardCharsets.UTF_8));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
            HttpUtil.setContentLength(res, res.content().readableBytes());
            if (!keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            var written = ctx.writeAndFlush(res);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /** Writes each text message back, or broadcasts a {@code fanout:} message to every connection. */
    private static final class Echo extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final ChannelGroup fan;

        Echo(ChannelGroup fan) {
            super(false);
            this.fan = fan;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                fan.add(ctx.channel());
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            String text = frame.text();
            if (text.startsWith(FANOUT)) {
                frame.release();
                // The group writes a retained duplicate of the one frame to each member.
                fan.writeAndFlush(new TextWebSocketFrame("fan:" + text.substring(FANOUT.length())));
            } else {
                ctx.writeAndFlush(frame);
            }
        }
    }
}
