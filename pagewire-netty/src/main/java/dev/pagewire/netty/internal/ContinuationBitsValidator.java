package dev.pagewire.netty.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;

/**
 * Fails a WebSocket connection whose continuation frame has RSV1 set: {@code permessage-deflate}
 * marks a compressed message on its first frame only (RFC 7692 §6.1). It goes before Netty's
 * inflater, which takes every continuation of a compressed message and clears the bit, so that
 * {@link ReservedBitsValidator} behind it cannot see it any more.
 */
final class ContinuationBitsValidator extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ContinuationWebSocketFrame frame && (frame.rsv() & WebSocketExtension.RSV1) != 0) {
            frame.release();
            String reason = "RSV1 set on a continuation frame";
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR, reason))
                    .addListener(ChannelFutureListener.CLOSE);
            throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, reason);
        }
        ctx.fireChannelRead(msg);
    }
}
