package dev.pagewire.netty.internal;

import dev.pagewire.Settings;
import dev.pagewire.spi.Protocol;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Aggregates the requests the protocol claims (the protocol reads whole bodies) and hands every other
 * request as it arrives, head and body parts, straight to {@link NettyRequests} for its
 * {@link PassThrough}: a forwarded upload is streamed, never held whole, and the handlers between
 * the two (WebSocket compression) never see a forwarded request, nor its response, which is written
 * from here. Which requests are the protocol's is judged from the head alone
 * ({@link Protocol#claims}); a head the decoder could not read is aggregated, so that it is answered
 * with its error. One per connection, on its event loop.
 */
final class ClaimedAggregator extends HttpObjectAggregator {

    private final Protocol protocol;
    private final Settings settings;
    private ChannelHandlerContext ctx;
    /** The request being read passes through: its head was not the protocol's. */
    private boolean passing;

    private final NettyRequests requests;

    ClaimedAggregator(Protocol protocol, int maxRequestBytes, NettyRequests requests) {
        super(maxRequestBytes);
        this.protocol = protocol;
        this.settings = protocol.settings();
        this.requests = requests;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!acceptInboundMessage(msg) && passing && (msg instanceof HttpRequest || msg instanceof HttpContent)) {
            requests.passing(ctx, msg);
        } else {
            super.channelRead(ctx, msg);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public boolean acceptInboundMessage(Object msg) throws Exception {
        if (msg instanceof FullHttpRequest) {
            passing = false; // a request the decoder could not read comes whole, with its error
        } else if (msg instanceof HttpRequest head) {
            passing = head.decoderResult().isSuccess() && !claimed(head);
        } else if (!(msg instanceof HttpContent)) {
            return super.acceptInboundMessage(msg);
        }
        return !passing && super.acceptInboundMessage(msg);
    }

    private boolean claimed(HttpRequest head) {
        FullHttpRequest headOnly = new DefaultFullHttpRequest(
                head.protocolVersion(),
                head.method(),
                head.uri(),
                Unpooled.EMPTY_BUFFER,
                head.headers(),
                EmptyHttpHeaders.INSTANCE);
        return protocol.claims(new NettyExchange(ctx, headOnly, settings, false));
    }
}
