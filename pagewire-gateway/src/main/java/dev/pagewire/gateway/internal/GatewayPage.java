package dev.pagewire.gateway.internal;

import dev.pagewire.Page;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the gateway keeps about one of its pages beside the {@link Page} itself: where its webhooks
 * go, its context, the count its idempotency keys and channel ids are made of, and the lock that
 * makes its webhooks (the page's own and its endpoint channels') one at a time, in order
 * (docs/GATEWAY.md, "Delivery"). Also stands for an endpoint connection of another origin (a page
 * without HTML), whose id is known only once it is admitted. Thread-safe.
 */
final class GatewayPage {

    /** Why a page closed, as its {@code closed} webhook says. */
    enum CloseReason {
        /** The publish API closed it. */
        api,
        /** The gateway is shutting down. */
        shutdown,
        /** Its browser never connected within the token's lifetime, or the render was not a page. */
        never_connected,
        /** Its tab closed, or it did not come back within the grace period. */
        gone;

        String text() {
            return name().replace('_', '-');
        }
    }

    private final String keyPrefix;
    private final String path;
    private final AtomicLong webhooks = new AtomicLong();
    private final AtomicLong channels = new AtomicLong();
    private final ReentrantLock order = new ReentrantLock(true);
    private volatile Page page;
    private volatile URI webhook;
    private volatile String context;
    private volatile boolean connectedOnce;
    private volatile boolean closedByApi;
    private volatile boolean live;

    /**
     * @param keyPrefix what idempotency keys and channel ids start with: the page's id, or for an
     *     endpoint connection not yet admitted its channel's id
     * @param path the page's path
     * @param page the page; {@code null} for an endpoint connection not yet admitted
     */
    GatewayPage(String keyPrefix, String path, Page page) {
        this.keyPrefix = keyPrefix;
        this.path = path;
        this.page = page;
    }

    /** The page; {@code null} for an endpoint connection until it is admitted. */
    Page page() {
        return page;
    }

    /** The endpoint connection was admitted as {@code page}. */
    void admitted(Page page) {
        this.page = page;
    }

    /** The page's id; {@code null} for an endpoint connection until it is admitted. */
    String id() {
        Page p = page;
        return p == null ? null : p.id();
    }

    String path() {
        return path;
    }

    /** Where the page's own webhooks go; {@code null} until its render was answered. */
    URI webhook() {
        return webhook;
    }

    void webhook(URI url) {
        this.webhook = url;
    }

    /** The context the backend gave the page; {@code null} when none. */
    String context() {
        return context;
    }

    void context(String context) {
        this.context = context;
    }

    /** The next idempotency key: {@code <page id>.<n>}. Call with {@link #order()} held, so keys follow delivery order. */
    String nextKey() {
        return keyPrefix + "." + webhooks.incrementAndGet();
    }

    /** A new channel id: {@code <page id>/<n>}. */
    String nextChannelId() {
        return keyPrefix + "/" + channels.incrementAndGet();
    }

    /** Held while one of the page's webhooks is delivered: they go one at a time, in the order they take it. */
    ReentrantLock order() {
        return order;
    }

    /** Its webhooks are installed: its {@code closed} webhook will go out. */
    void live() {
        live = true;
    }

    boolean isLive() {
        return live;
    }

    void connected() {
        connectedOnce = true;
    }

    void closedByApi() {
        closedByApi = true;
    }

    CloseReason closeReason(boolean shuttingDown) {
        if (closedByApi) {
            return CloseReason.api;
        }
        if (shuttingDown) {
            return CloseReason.shutdown;
        }
        return connectedOnce ? CloseReason.gone : CloseReason.never_connected;
    }
}
