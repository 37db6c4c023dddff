package dev.pagewire.gateway;

import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.gateway.internal.Forwarder;
import dev.pagewire.gateway.internal.GatewayPages;
import dev.pagewire.gateway.internal.GatewayProtocol;
import dev.pagewire.gateway.internal.PublishApi;
import dev.pagewire.netty.ServerSettings;
import dev.pagewire.netty.internal.NettyServer;
import dev.pagewire.redis.RedisBackplane;
import dev.pagewire.spi.Protocol;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The gateway (docs/GATEWAY.md): Pagewire in front of a backend in any language. Every request goes
 * through to the backend; its HTML pages become Pagewire pages whose events reach it as signed
 * webhooks, and it raises events in them through the publish API.
 *
 * <pre>{@code
 * try (var gateway = PagewireGateway.start(GatewaySettings.builder(URI.create("http://127.0.0.1:8000"), secret)
 *         .server(s -> s.port(8080))
 *         .build())) {
 *     gateway.awaitClose();
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class PagewireGateway implements AutoCloseable {

    private final Pagewire app;
    private final GatewayPages pages;
    private final NettyServer server;

    private PagewireGateway(Pagewire app, GatewayPages pages, NettyServer server) {
        this.app = app;
        this.pages = pages;
        this.server = server;
    }

    /**
     * Starts a gateway; returns once its port is bound. With {@link GatewaySettings#redisUri()} it
     * joins the other gateways on that Redis first.
     *
     * @param settings the backend, the secret and everything else
     * @return the running gateway
     * @throws IllegalArgumentException if a setting is out of range
     * @throws IllegalStateException if the port cannot be bound, Redis cannot be reached, or the TLS
     *     files are not valid
     */
    public static PagewireGateway start(GatewaySettings settings) {
        // A page its gateway no longer has (a restart, a node gone) renders anew: the backend's
        // pages have no state in the browser worth keeping over a fresh render.
        Consumer<Settings.Builder> appSettings =
                ((Consumer<Settings.Builder>) s -> s.reloadOnExpired(true)).andThen(settings.app());
        Pagewire app = settings.redisUri() == null
                ? Pagewire.create(appSettings)
                : Pagewire.create(RedisBackplane.connect(settings.redisUri()), appSettings);
        AtomicReference<URI> apiUrl = new AtomicReference<>(settings.apiUrl());
        GatewayPages pages = null;
        try {
            pages = GatewayPages.install(app, settings, apiUrl::get);
            ServerSettings.Builder server =
                    // Uploads stream through to the backend: their bodies may take longer than the
                    // embedded server's default for the bodies it reads itself.
                    ServerSettings.builder().requestBodyTimeout(Duration.ofMinutes(10));
            settings.server().accept(server);
            ServerSettings serverSettings = server.build();
            Protocol protocol = new GatewayProtocol(Protocol.of(app), new PublishApi(app, settings, pages));
            NettyServer netty = NettyServer.start(protocol, serverSettings, new Forwarder(settings, pages));
            if (apiUrl.get() == null) {
                String host = serverSettings.host();
                if (host.equals("0.0.0.0") || host.equals("::")) {
                    host = "127.0.0.1";
                } else if (host.contains(":")) {
                    host = "[" + host + "]";
                }
                String scheme = serverSettings.tls() ? "https" : "http";
                apiUrl.set(URI.create(scheme + "://" + host + ":" + netty.port() + PublishApi.PATH));
            }
            return new PagewireGateway(app, pages, netty);
        } catch (RuntimeException e) {
            if (pages != null) {
                pages.shuttingDown();
            }
            app.close();
            if (pages != null) {
                pages.close();
            }
            throw e;
        }
    }

    /**
     * The application behind the gateway, for Java code running beside it (library mode): its topics,
     * its pages by id.
     *
     * @return the gateway's application
     */
    public Pagewire app() {
        return app;
    }

    /** {@return the bound port (the real one when the settings asked for port 0)} */
    public int port() {
        return server.port();
    }

    /** {@return the gateway's base URL, e.g. {@code http://localhost:8080/}} */
    public URI uri() {
        return server.uri();
    }

    /**
     * Blocks until the gateway is closed (by {@link #close()} from another thread or a shutdown hook).
     *
     * @throws InterruptedException if the waiting thread is interrupted; the gateway keeps running
     */
    public void awaitClose() throws InterruptedException {
        server.awaitClose();
    }

    /**
     * For a rolling deploy of a cluster: takes no new pages, keeps serving the ones it has for the
     * drain period, then tells them to reload on another gateway ({@link Pagewire#drain()}).
     */
    public void drain() {
        app.drain();
    }

    /** Stops the server, then closes every page (their {@code closed} webhooks still go out). Idempotent. */
    @Override
    public void close() {
        server.close();
        pages.shuttingDown();
        app.close();
        pages.close();
    }
}
