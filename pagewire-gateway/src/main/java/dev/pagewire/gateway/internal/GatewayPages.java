package dev.pagewire.gateway.internal;

import dev.pagewire.Channel;
import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.gateway.GatewaySettings;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's pages (docs/GATEWAY.md): makes a page for each navigation ({@link Renders}), sends
 * what its browser raises to the backend as webhooks ({@link PageWebhooks}), serves the endpoint
 * channels pages open ({@link GatewayEndpoints}), and knows which of its pages are live for the
 * {@link PublishApi}. Thread-safe; {@link #begin} and the renders it returns never block.
 */
public final class GatewayPages implements Renders, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewayPages.class);

    /** Most client addresses whose render rate is tracked at once. */
    static final int MAX_TRACKED_CLIENTS = 65_536;

    private final Pagewire app;
    private final GatewaySettings settings;
    private final Supplier<URI> apiUrl;
    private final Webhooks webhooks;
    private final PageWebhooks hooks;
    private final RenderRates rates;
    private final Map<String, GatewayPage> pages = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;

    private GatewayPages(Pagewire app, GatewaySettings settings, Supplier<URI> apiUrl, Duration firstRetry) {
        this.app = app;
        this.settings = settings;
        this.apiUrl = apiUrl;
        this.webhooks = new Webhooks(
                new Signatures(settings.secretBytes()),
                settings.webhookTimeout(),
                settings.webhookRetries(),
                firstRetry,
                apiUrl);
        this.hooks = new PageWebhooks(app, webhooks, settings.maxContextBytes(), () -> shuttingDown);
        this.rates = new RenderRates(app.settings().clientLimits().rendersPerSecond(), MAX_TRACKED_CLIENTS);
    }

    /**
     * Makes the gateway's pages and endpoints part of {@code app}: every channel a page opens goes to
     * the backend, and so do the opens of {@link GatewaySettings#endpoints()} from other origins.
     * Call once, before the server starts.
     *
     * @param apiUrl the publish API's URL as the backend calls it; may give {@code null} until the
     *     server's port is known
     */
    public static GatewayPages install(Pagewire app, GatewaySettings settings, Supplier<URI> apiUrl) {
        return install(app, settings, apiUrl, Webhooks.FIRST_RETRY);
    }

    /** {@link #install(Pagewire, GatewaySettings, Supplier)} with another wait before the first retry (tests). */
    static GatewayPages install(Pagewire app, GatewaySettings settings, Supplier<URI> apiUrl, Duration firstRetry) {
        GatewayPages pages = new GatewayPages(app, settings, apiUrl, firstRetry);
        GatewayEndpoints endpoints = new GatewayEndpoints(
                settings.backend(), pages.hooks, page -> pages.pages.get(page.id()), pages::liveConnection);
        // Every open is admitted with its own set-up (Access.grant(EndpointHandler)); a plain grant is never made.
        app.anyEndpoint(endpoints::authorize, Channel::close);
        for (String path : settings.endpoints()) {
            app.endpoint(path, endpoints::authorize, Channel::close);
        }
        return pages;
    }

    @Override
    public Render begin(String target, HttpHeaders headers, InetSocketAddress remote) {
        if (shuttingDown) {
            return null;
        }
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        if (!path.startsWith("/") || path.startsWith("/_pagewire/")) {
            return null;
        }
        URI webhook = settings.webhook();
        if (webhook == null) {
            try {
                webhook = new URI(Backend.base(settings.backend()) + target);
            } catch (java.net.URISyntaxException e) {
                return null;
            }
        }
        Settings.ClientLimits limits = app.settings().clientLimits();
        if (!rates.take(client(headers, remote, limits.clientAddressHeader()), System.nanoTime())) {
            throw new Refused(
                    429,
                    "too many pages rendered by this client (at most " + limits.rendersPerSecond() + " per second)",
                    1);
        }
        Page page;
        try {
            page = app.newPage(path);
        } catch (IllegalArgumentException e) {
            return null;
        }
        GatewayPage gp = new GatewayPage(page.id(), path, page);
        pages.put(page.id(), gp);
        // A page that is closed before it went live (the gateway stopping mid-render) is forgotten here.
        page.onClose(() -> {
            if (!gp.isLive()) {
                pages.remove(gp.id(), gp);
            }
        });
        return new PageRender(this, gp, webhook);
    }

    /** The gateway's live page with this id on this node, or {@code null}. */
    GatewayPage page(String id) {
        GatewayPage gp = pages.get(id);
        return gp == null || gp.page() == null || gp.page().isClosed() ? null : gp;
    }

    /** Whether pages may live on other gateways too (a cluster), so a page unknown here may still be live. */
    boolean clustered() {
        return app.node() != 0;
    }

    // ---- for PageRender

    URI apiUrl() {
        return apiUrl.get();
    }

    URI backend() {
        return settings.backend();
    }

    int maxContextBytes() {
        return settings.maxContextBytes();
    }

    String clientScript(Page page) {
        return app.clientScript(page);
    }

    /** The render made no page: it is closed and forgotten, no webhook goes out. */
    void notAPage(GatewayPage gp) {
        pages.remove(gp.id(), gp);
        gp.page().close();
    }

    /** The render made a page: its webhooks start; it is forgotten once its {@code closed} webhook went out. */
    void live(GatewayPage gp) {
        gp.live();
        hooks.install(gp, gp.page());
        gp.page().onClose(() -> pages.remove(gp.id(), gp));
    }

    /** An endpoint connection of another origin was admitted: the publish API may reach it. */
    private void liveConnection(GatewayPage gp) {
        gp.live();
        pages.put(gp.id(), gp);
        gp.page().onClose(() -> pages.remove(gp.id(), gp));
    }

    /** The gateway is stopping: pages that close from now on say {@code shutdown}, and failed webhooks are not retried. */
    public void shuttingDown() {
        shuttingDown = true;
        webhooks.stopRetrying();
    }

    /**
     * Waits, up to one webhook timeout, for the {@code closed} webhooks of the pages the application
     * closed, then stops the webhooks' HTTP client. Call after closing the application. Idempotent.
     */
    @Override
    public void close() {
        shuttingDown();
        long deadline = System.nanoTime() + settings.webhookTimeout().toNanos();
        try {
            while (pages.values().stream()
                            .anyMatch(gp -> gp.page() != null && gp.page().isClosed())
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = (int) pages.values().stream()
                .filter(gp -> gp.page() != null && gp.page().isClosed())
                .count();
        if (left > 0) {
            log.warn("closing with the closed webhooks of {} pages not delivered", left);
        }
        webhooks.close();
    }

    /** The client a render counts against: the last address of the configured header, else the peer's. */
    private static String client(HttpHeaders headers, InetSocketAddress remote, String addressHeader) {
        if (addressHeader != null) {
            String value = headers.get(addressHeader);
            if (value != null) {
                int comma = value.lastIndexOf(',');
                String last = (comma < 0 ? value : value.substring(comma + 1)).strip();
                if (!last.isEmpty()) {
                    return last;
                }
            }
        }
        return remote == null || remote.getAddress() == null
                ? String.valueOf(remote)
                : remote.getAddress().getHostAddress();
    }
}
