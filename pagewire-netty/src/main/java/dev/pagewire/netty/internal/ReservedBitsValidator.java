package dev.pagewire.netty.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Fails a WebSocket connection whose frames carry reserved bits that no negotiated extension
 * claimed (RFC 6455 §5.2). Netty's frame decoder skips this check once extensions are allowed at
 * all, which they must be for {@code permessage-deflate}; the inflater clears RSV1 of the frames it
 * handles, so placed after it this handler sees set bits only when nothing negotiated them. That
 * clearing also hides RSV1 on a compressed message's continuation frames, which {@link
 * ContinuationBitsValidator} therefore checks before the inflater. It throws; {@link WebSocketConnection}
 * sends the close frame ({@code 1002}).
 */
final class ReservedBitsValidator extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof WebSocketFrame frame && frame.rsv() != 0) {
            frame.release();
            throw new CorruptedWebSocketFrameException(
                    WebSocketCloseStatus.PROTOCOL_ERROR, "reserved bits set without a negotiated extension");
        }
        ctx.fireChannelRead(msg);
    }
}
