package dev.pagewire.netty.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;

/**
 * Fails a WebSocket connection whose continuation frame has RSV1 set: {@code permessage-deflate}
 * marks a compressed message on its first frame only (RFC 7692 §6.1). It goes before Netty's
 * inflater, which takes every continuation of a compressed message and clears the bit, so that
 * {@link ReservedBitsValidator} behind it cannot see it any more. It throws; {@link WebSocketConnection}
 * sends the close frame ({@code 1002}).
 */
final class ContinuationBitsValidator extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ContinuationWebSocketFrame frame && (frame.rsv() & WebSocketExtension.RSV1) != 0) {
            frame.release();
            throw new CorruptedWebSocketFrameException(
                    WebSocketCloseStatus.PROTOCOL_ERROR, "RSV1 set on a continuation frame");
        }
        ctx.fireChannelRead(msg);
    }
}
