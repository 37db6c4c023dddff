package dev.pagewire.client.internal;

import dev.pagewire.client.ClientOptions;
import dev.pagewire.client.Transport;
import dev.pagewire.client.TransportMemory;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Which transport a connection attempt tries next (docs/PROTOCOL.md §9.2–§9.5), and the links
 * that try them: each attempt walks the chain from the first transport on (WebSocket → SSE →
 * long-polling when falling back, or from the fallback the origin remembers), every transport but
 * the last with {@link #connectTimeout()} to prove itself. It keeps the origin's {@link
 * TransportMemory} and the delay of the next upgrade from a fallback to WebSocket.
 *
 * <p>Not thread-safe: the connection calls it under its lock.
 */
final class Negotiation {

    private static final System.Logger LOG = System.getLogger(Negotiation.class.getName());
    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(3_000);
    private static final Duration DEFAULT_UPGRADE_AFTER = Duration.ofSeconds(10);
    private static final Duration MAX_UPGRADE_DELAY = Duration.ofMinutes(5);
    private static final Duration DEFAULT_REMEMBER_FOR = Duration.ofHours(1);

    private final ClientOptions options;
    private final HttpClient http;
    private final PageLoader.Rendered page;
    private final ScheduledExecutorService timers;
    private final Duration connectTimeout;
    private final Duration upgradeAfter;
    private final Duration rememberFor;
    private final TransportMemory memory;
    private final String origin;
    private final ArrayDeque<Transport> chain = new ArrayDeque<>();
    /** The transport of the link tried last in this attempt. */
    private Transport tried;
    /** Whether a WebSocket failed in this attempt: the fallback that works then is worth remembering. */
    private boolean webSocketFailed;

    private Duration upgradeDelay;

    Negotiation(ClientOptions options, HttpClient http, PageLoader.Rendered page, ScheduledExecutorService timers) {
        this.options = options;
        this.http = http;
        this.page = page;
        this.timers = timers;
        PageLoader.Deadlines config = page.deadlines();
        this.connectTimeout = first(options.connectTimeout(), config.connectTimeout(), DEFAULT_CONNECT_TIMEOUT);
        this.upgradeAfter = first(options.upgradeAfter(), config.upgradeAfter(), DEFAULT_UPGRADE_AFTER);
        this.rememberFor = first(options.rememberFor(), config.rememberFor(), DEFAULT_REMEMBER_FOR);
        this.memory = options.transportMemory();
        this.origin = page.origin();
        this.upgradeDelay = upgradeAfter;
    }

    private static Duration first(Duration option, Duration page, Duration fallback) {
        return option != null ? option : page != null ? page : fallback;
    }

    /** How long a transport with a next one may take for its probe (§9.3, §9.4). */
    Duration connectTimeout() {
        return connectTimeout;
    }

    /** A new attempt: the chain starts again at the first transport, or the remembered fallback. */
    void restart() {
        chain.clear();
        tried = null;
        webSocketFailed = false;
        Transport[] all = Transport.values();
        Transport start = options.transport();
        Transport remembered = options.fallback() ? recall() : null;
        if (remembered != null && remembered.ordinal() > start.ordinal()) {
            start = remembered;
        }
        for (int i = start.ordinal(); i < all.length; i++) {
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

    /** A connection over {@code transport} said hello: this attempt is over, and the memory learns from it. */
    void settled(Transport transport) {
        chain.clear();
        if (!options.fallback()) {
            return; // a forced transport neither reads nor writes the memory (§9.1)
        }
        if (transport == Transport.WEBSOCKET) {
            upgraded();
        } else if (webSocketFailed) {
            remember(transport);
        }
    }

    /** Whether a connection that said hello over {@code transport} should try WebSocket later (§9.5). */
    boolean mayUpgrade(Transport transport) {
        return options.fallback() && options.transport() == Transport.WEBSOCKET && transport != Transport.WEBSOCKET;
    }

    /** How long to wait before the next upgrade. */
    Duration upgradeDelay() {
        return upgradeDelay;
    }

    /** An upgrade failed: the fallback is remembered, and the next try waits twice as long, up to 5 min. */
    void upgradeFailed(Transport fallback) {
        remember(fallback);
        Duration doubled = upgradeDelay.multipliedBy(2);
        upgradeDelay = doubled.compareTo(MAX_UPGRADE_DELAY) > 0 ? MAX_UPGRADE_DELAY : doubled;
    }

    /** A WebSocket said hello: nothing to remember, and the next fallback upgrades after {@code upgradeAfter} again. */
    void upgraded() {
        upgradeDelay = upgradeAfter;
        try {
            memory.forget(origin);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "pagewire: the transport memory failed to forget " + origin, e);
        }
    }

    private void remember(Transport fallback) {
        try {
            memory.remember(origin, new TransportMemory.Remembered(fallback, Instant.now()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "pagewire: the transport memory failed to remember " + origin, e);
        }
    }

    /** The fallback remembered for this origin if it is fresh, else null (§9.2). */
    private Transport recall() {
        try {
            TransportMemory.Remembered remembered = memory.recall(origin);
            if (remembered == null
                    || remembered.transport() == Transport.WEBSOCKET
                    || remembered.at().plus(rememberFor).isBefore(Instant.now())) {
                return null;
            }
            return remembered.transport();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "pagewire: the transport memory failed to recall " + origin, e);
            return null;
        }
    }

    /** A link over the next transport of the chain, resuming from the client's {@code ack}; not started. */
    Link next(long ack, Link.Events events) {
        if (tried == Transport.WEBSOCKET) {
            webSocketFailed = true; // the chain moves on only past a transport that failed
        }
        tried = chain.pollFirst();
        return open(tried, ack, events);
    }

    /** A link over {@code transport}, resuming from the client's {@code ack}; not started. */
    Link open(Transport transport, long ack, Link.Events events) {
        return switch (transport) {
            case WEBSOCKET ->
                new WebSocketLink(
                        http, URI.create(page.webSocketBase() + "&ack=" + ack), connectTimeout, events, timers);
            case SSE -> new SseLink(http, page.httpBase(), ack, events);
            case LONGPOLLING -> new LongPollingLink(http, page.httpBase(), ack, events);
        };
    }
}
