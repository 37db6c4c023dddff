package dev.pagewire.gateway.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Relays raw bytes from its channel to another once a backend switched protocols (its own
 * WebSocket, say): each side of the tunnel has one. Reading stops while the other side cannot take
 * more, so neither side buffers more than its channel's high-water mark. Bytes that arrive before
 * {@link #start} (those the HTTP decoders had read ahead) wait, in order. Both channels share one
 * event loop.
 */
final class RawRelay extends ChannelInboundHandlerAdapter {

    private final Channel to;
    private final ArrayDeque<Object> early = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private boolean started;

    RawRelay(Channel to) {
        this.to = to;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Both sides are raw now: what waited goes, and reading starts. */
    void start() {
        started = true;
        for (Object msg; (msg = early.poll()) != null; ) {
            to.write(msg);
        }
        to.flush();
        ctx.channel().config().setAutoRead(to.isWritable());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!started) {
            early.add(msg);
            return;
        }
        if (!to.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        to.writeAndFlush(msg);
        if (!to.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        // This side drained: the other may read again.
        if (started && ctx.channel().isWritable()) {
            to.config().setAutoRead(true);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        release();
        to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    private void release() {
        for (Object msg; (msg = early.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
