package dev.pagewire.netty.internal;

import dev.pagewire.spi.ForwardingProtocol;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.Protocol;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The server's metrics scrape ({@code ServerSettings.Builder.prometheus}) in front of the protocol: a
 * {@code GET} of its path is answered with what {@code scrape} returns (Prometheus's text format),
 * every other request goes to the protocol. The scrape is the registry's, not the protocol's
 * business, so it lives in the server; it runs on a virtual thread (a registry's scrape may take a
 * while and walks every page's state). Thread-safe.
 */
final class MetricsScrape extends ForwardingProtocol {

    /** Prometheus's text exposition format 0.0.4, which every scraper reads. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final String path;
    private final Supplier<String> scrape;

    MetricsScrape(Protocol protocol, String path, Supplier<String> scrape) {
        super(protocol);
        this.path = path;
        this.scrape = scrape;
    }

    @Override
    public boolean handle(HttpExchange exchange) {
        if (!isScrape(exchange)) {
            return delegate().handle(exchange);
        }
        Thread.ofVirtual().name("pagewire-scrape").start(() -> {
            HttpResponse.Headers headers =
                    new HttpResponse.Headers().set("Content-Type", CONTENT_TYPE).set("Cache-Control", "no-store");
            byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
            exchange.respond(new HttpResponse(200, null, headers, body), null);
        });
        return true;
    }

    @Override
    public boolean claims(HttpExchange exchange) {
        return isScrape(exchange) || delegate().claims(exchange);
    }

    private boolean isScrape(HttpExchange exchange) {
        if (!exchange.method().equals("GET")) {
            return false;
        }
        String target = exchange.target();
        int q = target.indexOf('?');
        return (q < 0 ? target : target.substring(0, q)).equals(path);
    }
}
