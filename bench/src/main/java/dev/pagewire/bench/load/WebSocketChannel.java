package dev.pagewire.bench.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One WebSocket connection of the load generator (no compression, as every peer's default),
 * delivering text messages to a callback on its event loop. Thread-safe sends.
 */
final class WebSocketChannel {

    private final Channel channel;
    private volatile boolean closing;

    private WebSocketChannel(Channel channel) {
        this.channel = channel;
    }

    /**
     * Opens {@code ws://host:port/pathAndQuery}; the future completes after the handshake. Messages
     * go to {@code onText}; a connection that ends without {@link #close()} calls {@code onLost}.
     * {@code created} gets the channel before anything is read from it: a server's first message
     * may come in the same read as its handshake answer, and Netty delivers it before it announces
     * the handshake's end.
     */
    static CompletableFuture<WebSocketChannel> open(
            Wire wire,
            String pathAndQuery,
            Consumer<String> onText,
            Consumer<String> onLost,
            Consumer<WebSocketChannel> created) {
        var opened = new CompletableFuture<WebSocketChannel>();
        URI uri = URI.create("ws://" + wire.host() + ":" + wire.port() + pathAndQuery);
        var config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .absoluteUpgradeUrl(false)
                .handshakeTimeoutMillis(15_000)
                .maxFramePayloadLength(1 << 20)
                .build();
        var holder = new WebSocketChannel[1];
        wire.connect(p -> {
                    holder[0] = new WebSocketChannel(p.channel());
                    created.accept(holder[0]);
                    p.addLast(
                            new HttpClientCodec(),
                            new HttpObjectAggregator(1 << 16),
                            new WebSocketClientProtocolHandler(config),
                            holder[0].handler(opened, onText, onLost));
                })
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        opened.completeExceptionally(f.cause());
                    }
                });
        return opened;
    }

    /**
     * Opens a channel for a link that is ready only once its protocol says so (Pagewire's
     * {@code hello}, Socket.IO's connect): a failure or loss before that fails {@code ready}; the
     * channel goes to {@code created} before any message reaches {@code onText}.
     */
    static void openForLink(
            Wire wire,
            String pathAndQuery,
            Consumer<String> onText,
            Consumer<String> onLost,
            CompletableFuture<?> ready,
            Consumer<WebSocketChannel> created) {
        open(
                        wire,
                        pathAndQuery,
                        onText,
                        reason -> {
                            ready.completeExceptionally(
                                    new IllegalStateException(reason + " before the channel was ready"));
                            onLost.accept(reason);
                        },
                        created)
                .whenComplete((channel, failure) -> {
                    if (failure != null) {
                        ready.completeExceptionally(failure);
                    }
                });
    }

    /** Sends one text message. */
    void send(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text));
    }

    /** Whether this runs on the connection's event loop. */
    boolean inLoop() {
        return channel.eventLoop().inEventLoop();
    }

    /** Runs {@code task} on the connection's event loop. */
    void onLoop(Runnable task) {
        Wire.onLoop(channel, task);
    }

    /** Closes with {@code 1000}; idempotent. */
    void close() {
        closing = true;
        Wire.onLoop(channel, () -> {
            if (channel.isActive()) {
                channel.writeAndFlush(new CloseWebSocketFrame(1000, "bye")).addListener(f -> channel.close());
            }
        });
    }

    private SimpleChannelInboundHandler<TextWebSocketFrame> handler(
            CompletableFuture<WebSocketChannel> opened, Consumer<String> onText, Consumer<String> onLost) {
        WebSocketChannel self = this;
        return new SimpleChannelInboundHandler<>() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
                if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                    opened.complete(self);
                } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                    opened.completeExceptionally(new IllegalStateException("WebSocket handshake timed out"));
                }
                super.userEventTriggered(ctx, event);
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                onText.accept(frame.text());
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                opened.completeExceptionally(new IllegalStateException("connection closed during the handshake"));
                if (!closing) {
                    onLost.accept("connection closed by the server");
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                opened.completeExceptionally(cause);
                ctx.close();
            }
        };
    }
}
