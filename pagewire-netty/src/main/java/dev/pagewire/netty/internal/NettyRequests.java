package dev.pagewire.netty.internal;

import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.Protocol;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each complete HTTP request to the protocol as a {@link NettyExchange}; answers {@code 400} to
 * what the HTTP decoder could not read and {@code 404} to what the protocol says is not its own.
 * Decides nothing else.
 */
final class NettyRequests extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(NettyRequests.class);

    private final Protocol protocol;
    private final boolean webSocket;

    /** @param webSocket whether WebSocket upgrades are accepted ({@code ServerSettings.webSocket}) */
    NettyRequests(Protocol protocol, boolean webSocket) {
        this.protocol = protocol;
        this.webSocket = webSocket;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        NettyExchange exchange = new NettyExchange(ctx, request, protocol.settings(), webSocket);
        if (!request.decoderResult().isSuccess()) {
            exchange.respondAndClose(HttpResponse.text(400, "malformed HTTP request"));
            return;
        }
        if (!protocol.handle(exchange)) {
            exchange.respond(HttpResponse.text(404, "not found"), null);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection {} failed", ctx.channel(), cause);
        ctx.close();
    }
}
