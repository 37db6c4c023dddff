package dev.pagewire.gateway.internal;

import dev.pagewire.Page;
import dev.pagewire.Settings;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.Protocol;
import java.util.concurrent.Executor;

/**
 * The application's protocol with the gateway's publish API in front of it: requests to
 * {@link PublishApi#PATH} are the API's, everything else the protocol's. What neither claims the
 * {@link Forwarder} passes to the backend.
 */
public final class GatewayProtocol implements Protocol {

    private final Protocol protocol;
    private final PublishApi api;

    public GatewayProtocol(Protocol protocol, PublishApi api) {
        this.protocol = protocol;
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
        return protocol.handle(exchange);
    }

    @Override
    public boolean claims(HttpExchange exchange) {
        return isApi(exchange) || protocol.claims(exchange);
    }

    @Override
    public Settings settings() {
        return protocol.settings();
    }

    @Override
    public String clientScript(Page page, String contextPath) {
        return protocol.clientScript(page, contextPath);
    }

    @Override
    public String injectClient(String html, Page page, String contextPath) {
        return protocol.injectClient(html, page, contextPath);
    }

    @Override
    public void batchHandlerStarts(Executor endOfPass) {
        protocol.batchHandlerStarts(endOfPass);
    }
}
