package dev.pagewire.client.internal;

import dev.pagewire.client.ClientOptions;
import dev.pagewire.client.Transport;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Which transport a connection attempt tries next (docs/PROTOCOL.md §9.3, §9.4), and the links
 * that try them: each attempt walks the chain from the first transport on (WebSocket → SSE →
 * long-polling when falling back), every transport but the last with {@link #connectTimeout()} to
 * prove itself.
 *
 * <p>Not thread-safe: the connection calls it under its lock.
 */
final class Negotiation {

    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(3_000);

    private final ClientOptions options;
    private final HttpClient http;
    private final PageLoader.Rendered page;
    private final ScheduledExecutorService timers;
    private final Duration connectTimeout;
    private final ArrayDeque<Transport> chain = new ArrayDeque<>();

    Negotiation(ClientOptions options, HttpClient http, PageLoader.Rendered page, ScheduledExecutorService timers) {
        this.options = options;
        this.http = http;
        this.page = page;
        this.timers = timers;
        this.connectTimeout = options.connectTimeout() != null ? options.connectTimeout()
                : page.connectTimeout() != null ? page.connectTimeout()
                : DEFAULT_CONNECT_TIMEOUT;
    }

    /** How long a transport with a next one may take for its probe (§9.3, §9.4). */
    Duration connectTimeout() {
        return connectTimeout;
    }

    /** A new attempt: the chain starts again at the first transport. */
    void restart() {
        chain.clear();
        Transport[] all = Transport.values();
        for (int i = options.transport().ordinal(); i < all.length; i++) {
            chain.addLast(all[i]);
            if (!options.fallback()) {
                break;
            }
        }
    }

    /** Whether a transport is left to fall back to in this attempt. */
    boolean hasNext() {
        return !chain.isEmpty();
    }

    /** A connection said hello: this attempt is over. */
    void settled() {
        chain.clear();
    }

    /** A link over the next transport of the chain, resuming from the client's {@code ack}; not started. */
    Link next(long ack, Link.Events events) {
        return open(chain.pollFirst(), ack, events);
    }

    /** A link over {@code transport}, resuming from the client's {@code ack}; not started. */
    Link open(Transport transport, long ack, Link.Events events) {
        return switch (transport) {
            case WEBSOCKET -> new WebSocketLink(http, URI.create(page.webSocketBase() + "&ack=" + ack),
                    connectTimeout, events, timers);
            case SSE -> new SseLink(http, page.httpBase(), ack, events);
            case LONGPOLLING -> new LongPollingLink(http, page.httpBase(), ack, events);
        };
    }
}
