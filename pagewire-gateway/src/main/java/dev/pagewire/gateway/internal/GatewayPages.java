package dev.pagewire.gateway.internal;

import dev.pagewire.Pagewire;
import dev.pagewire.gateway.GatewaySettings;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.function.Supplier;

/** STUB, replaced by the webhook work: the gateway's pages and their webhooks. */
public final class GatewayPages implements Renders, AutoCloseable {

    private GatewayPages() {}

    public static GatewayPages install(Pagewire app, GatewaySettings settings, Supplier<URI> apiUrl) {
        return new GatewayPages();
    }

    @Override
    public Render begin(String target, HttpHeaders headers, InetSocketAddress remote) {
        return null;
    }

    @Override
    public void close() {}
}
