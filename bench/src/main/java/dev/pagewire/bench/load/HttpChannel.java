package dev.pagewire.bench.load;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One keep-alive HTTP/1.1 connection of the load generator, carrying one request at a time: a
 * request whose whole answer is read ({@link #request}), or a streaming GET whose body is handed on
 * chunk by chunk ({@link #stream}, for SSE). Thread-safe: requests hop to the channel's event loop.
 */
final class HttpChannel {

    /** A complete answer. */
    record Reply(int status, String body) {}

    private final Channel channel;
    private final String host;
    /** The exchange in progress; touched on the event loop only. */
    private Exchange current;

    private HttpChannel(Channel channel, String host) {
        this.channel = channel;
        this.host = host;
    }

    /**
     * Opens a long-lived connection to the wire's server from {@code source} ({@link Wire#nextSource}:
     * the connections of one link share it, as a browser's do).
     */
    static CompletableFuture<HttpChannel> open(Wire wire, InetSocketAddress source) {
        return open(wire, false, source);
    }

    private static CompletableFuture<HttpChannel> open(Wire wire, boolean shortLived, InetSocketAddress source) {
        var opened = new CompletableFuture<HttpChannel>();
        var holder = new HttpChannel[1];
        Consumer<ChannelPipeline> init = p -> {
            holder[0] = new HttpChannel(p.channel(), wire.host() + ":" + wire.port());
            p.addLast(new HttpClientCodec(4096, 16384, 65536), holder[0].handler());
        };
        (shortLived ? wire.connectShort(init) : wire.connect(init, source)).addListener(f -> {
            if (f.isSuccess()) {
                opened.complete(holder[0]);
            } else {
                opened.completeExceptionally(f.cause());
            }
        });
        return opened;
    }

    /** GETs {@code uri} on a connection of its own that the server closes after the answer. */
    static CompletableFuture<Reply> getOnce(Wire wire, String uri) {
        return open(wire, true, null)
                .thenCompose(http -> http.send(HttpMethod.GET, uri, null, true, null)
                        .whenComplete((reply, failure) -> http.close()));
    }

    /** Sends a request ({@code body} null for none) and reads its whole answer. */
    CompletableFuture<Reply> request(HttpMethod method, String uri, String body) {
        return send(method, uri, body, false, null);
    }

    /**
     * GETs {@code uri} and hands each chunk of the answer's body to {@code chunks} on the event loop;
     * the future completes with the status as soon as the answer's head arrives. The stream ends
     * when the connection does.
     */
    CompletableFuture<Integer> stream(String uri, Consumer<String> chunks) {
        var head = new CompletableFuture<Integer>();
        send(HttpMethod.GET, uri, null, false, new Streaming(head, chunks)).whenComplete((r, e) -> {
            if (e != null) {
                head.completeExceptionally(e);
            }
        });
        return head;
    }

    /** The Netty channel, for running work on its event loop. */
    Channel channel() {
        return channel;
    }

    void close() {
        channel.close();
    }

    private CompletableFuture<Reply> send(
            HttpMethod method, String uri, String body, boolean closeAfter, Streaming streaming) {
        var done = new CompletableFuture<Reply>();
        Wire.onLoop(channel, () -> {
            if (current != null) {
                done.completeExceptionally(new IllegalStateException("one request at a time per connection"));
                return;
            }
            var content = body == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            var req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, content);
            req.headers().set(HttpHeaderNames.HOST, host);
            req.headers().set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            if (body != null) {
                req.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain;charset=UTF-8");
            }
            if (closeAfter) {
                req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            current = new Exchange(done, streaming);
            channel.writeAndFlush(req).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(f.cause());
                }
            });
        });
        return done;
    }

    private void fail(Throwable cause) {
        Exchange failed = current;
        current = null;
        if (failed != null) {
            failed.done.completeExceptionally(cause);
            if (failed.streaming != null) {
                failed.streaming.head.completeExceptionally(cause);
            }
        }
    }

    private SimpleChannelInboundHandler<HttpObject> handler() {
        return new SimpleChannelInboundHandler<>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                Exchange exchange = current;
                if (exchange == null) {
                    return; // an answer nobody asked for: the connection is of no more use
                }
                if (msg instanceof HttpResponse response) {
                    exchange.status = response.status().code();
                    if (exchange.streaming != null) {
                        exchange.streaming.head.complete(exchange.status);
                    }
                }
                if (msg instanceof HttpContent content && content.content().isReadable()) {
                    if (exchange.streaming != null) {
                        exchange.streaming.chunks.accept(content.content().toString(StandardCharsets.UTF_8));
                    } else {
                        exchange.body.append(content.content().toString(StandardCharsets.UTF_8));
                    }
                }
                if (msg instanceof LastHttpContent) {
                    current = null;
                    exchange.done.complete(new Reply(exchange.status, exchange.body.toString()));
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                fail(new IllegalStateException("connection closed by the server"));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                fail(cause);
                ctx.close();
            }
        };
    }

    private static final class Exchange {
        final CompletableFuture<Reply> done;
        final Streaming streaming;
        final StringBuilder body = new StringBuilder();
        int status;

        Exchange(CompletableFuture<Reply> done, Streaming streaming) {
            this.done = done;
            this.streaming = streaming;
        }
    }

    private record Streaming(CompletableFuture<Integer> head, Consumer<String> chunks) {}
}
