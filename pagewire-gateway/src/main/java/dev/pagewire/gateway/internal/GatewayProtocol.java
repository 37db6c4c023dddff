package dev.pagewire.gateway.internal;

import dev.pagewire.spi.ForwardingProtocol;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.Protocol;

/**
 * The application's protocol with the gateway's publish API in front of it: requests to
 * {@link PublishApi#PATH} are the API's, everything else the protocol's. What neither claims the
 * {@link Forwarder} passes to the backend.
 */
public final class GatewayProtocol extends ForwardingProtocol {

    private final PublishApi api;

    public GatewayProtocol(Protocol protocol, PublishApi api) {
        super(protocol);
        this.api = api;
    }

    private static boolean isApi(HttpExchange exchange) {
        String target = exchange.target();
        return target.equals(PublishApi.PATH) || target.startsWith(PublishApi.PATH + "?");
    }

    @Override
    public boolean handle(HttpExchange exchange) {
        if (isApi(exchange)) {
            api.handle(exchange);
            return true;
        }
        return delegate().handle(exchange);
    }

    @Override
    public boolean claims(HttpExchange exchange) {
        return isApi(exchange) || delegate().claims(exchange);
    }
}
