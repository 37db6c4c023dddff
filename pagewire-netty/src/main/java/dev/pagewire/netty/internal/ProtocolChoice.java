package dev.pagewire.netty.internal;

import dev.pagewire.netty.ServerSettings;
import dev.pagewire.spi.Protocol;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds a TLS connection's HTTP handlers once its handshake has agreed on a protocol by ALPN: HTTP/2
 * for {@code h2}, HTTP/1.1 for {@code http/1.1} and for a client that sent no ALPN. Bytes read
 * before are held and go to the new handlers. One per connection, on its event loop.
 */
final class ProtocolChoice extends ApplicationProtocolNegotiationHandler {

    private static final Logger log = LoggerFactory.getLogger(ProtocolChoice.class);

    private final Protocol protocol;
    private final ServerSettings settings;
    private final PassThrough passThrough;

    /** {@code passThrough} serves HTTP/1.1 only: with one, TLS does not offer {@code h2} (NettyServer). */
    ProtocolChoice(Protocol protocol, ServerSettings settings, PassThrough passThrough) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.protocol = protocol;
        this.settings = settings;
        this.passThrough = passThrough;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String chosen) {
        if (ApplicationProtocolNames.HTTP_2.equals(chosen)) {
            Http2Handlers.addTo(ctx.pipeline(), protocol, settings);
        } else {
            // Anything else ALPN could agree on is http/1.1: the server offers nothing more.
            ServerInitializer.addHttp1(ctx.pipeline(), protocol, settings, passThrough);
        }
    }

    /** A failed handshake is the client's problem, as in ServerTls's TlsFailures: debug, not a warning. */
    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("TLS handshake on {} failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
