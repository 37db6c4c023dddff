package dev.pagewire.gateway.internal;

import dev.pagewire.Pagewire;
import dev.pagewire.gateway.GatewaySettings;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.HttpResponse;

/** STUB, replaced by the webhook work: the publish API (docs/GATEWAY.md). */
public final class PublishApi {

    /** Where the API listens on the gateway. */
    public static final String PATH = "/_pagewire/api";

    public PublishApi(Pagewire app, GatewaySettings settings) {}

    public void handle(HttpExchange exchange) {
        exchange.respond(HttpResponse.text(501, "not yet"), null);
    }
}
