package dev.pagewire.gateway.internal;

import dev.pagewire.gateway.GatewaySettings;
import dev.pagewire.netty.internal.PassThrough;
import dev.pagewire.spi.LogGate;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards every request Pagewire does not claim to the backend (docs/GATEWAY.md): one
 * {@link ForwardedExchange} per request, each on a backend connection of its own. Thread-safe.
 */
public final class Forwarder implements PassThrough {

    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    static final int MAX_RESPONSE_HEAD_BYTES = 64 * 1024;

    private final GatewaySettings settings;
    private final Renders renders;
    private final InetSocketAddress backendAddress;
    private final String backendPrefix;
    /** An unreachable backend is one WARN per 10 s, however many requests find it so. */
    private final LogGate unreachableLog = new LogGate(Duration.ofSeconds(10));

    public Forwarder(GatewaySettings settings, Renders renders) {
        this.settings = settings;
        this.renders = renders;
        URI backend = settings.backend();
        int port = backend.getPort() < 0 ? 80 : backend.getPort();
        this.backendAddress = InetSocketAddress.createUnresolved(backend.getHost(), port);
        String path = backend.getRawPath() == null ? "" : backend.getRawPath();
        this.backendPrefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    @Override
    public Forward open(ChannelHandlerContext client, HttpRequest head, Flow flow) {
        ForwardedExchange exchange = new ForwardedExchange(this, client, head, flow);
        exchange.start();
        return exchange;
    }

    Renders renders() {
        return renders;
    }

    InetSocketAddress backendAddress() {
        return backendAddress;
    }

    /** The target the backend gets: its path prefix, then the request's own target. */
    String backendTarget(String target) {
        if (!target.startsWith("/")) {
            // The absolute form (RFC 9112 §3.2.2) names the same resource by its path and query.
            try {
                URI uri = new URI(target);
                String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
                return backendPrefix + path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            } catch (java.net.URISyntaxException e) {
                return backendPrefix + "/";
            }
        }
        return backendPrefix + target;
    }

    long backendTimeoutMillis() {
        return settings.backendTimeout().toMillis();
    }

    int maxHtmlScanBytes() {
        return settings.maxHtmlScanBytes();
    }

    void unreachable(Throwable cause) {
        if (unreachableLog.open()) {
            log.warn(
                    "the backend {} cannot be reached ({}); its requests are answered 502",
                    settings.backend(),
                    cause == null ? "no reason given" : cause.getMessage());
        }
    }
}
