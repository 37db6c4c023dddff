package dev.pagewire.client;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link PagewireClient} connects. Immutable; build one with {@link #builder()} or, usually,
 * through the lambda of {@link PagewireClient#open(java.net.URI, Consumer)}.
 *
 * @param transport the transport tried first; default {@link Transport#WEBSOCKET}
 * @param fallback whether a transport that fails before its {@code hello} is followed by the next
 *     one (WebSocket → SSE → long-polling, docs/PROTOCOL.md §9.4); default {@code true}. Off, the
 *     transport is forced: a failure means back-off and the same transport again
 * @param connectTimeout how long a transport that has a next one to fall back to may take to prove
 *     itself (a WebSocket its {@code hello}, a fallback its {@code open} frame); default the page's
 *     {@code data-pagewire-config}, else 3 s. Also bounds opening a TCP connection
 * @param initialDelay the first reconnect back-off step; default 250 ms. Each failed attempt
 *     doubles it up to {@code maxDelay}; the client waits between half and all of a step (jitter)
 * @param maxDelay the longest back-off step; default 10 s
 * @param maxQueued how many data frames the client keeps until the server acks them (also those
 *     not sent yet); an {@code emit} or {@code call} beyond throws; default 1000
 * @param callTimeout how long {@link PagewireClient#call(String, Object)} waits; default 30 s
 * @param httpClient the HTTP client for the page, WebSockets, SSE and POSTs; default a new one
 *     (HTTP/1.1, {@code connectTimeout})
 * @param setup run by {@code open} with the new client before it connects, to register the
 *     listeners and handlers that must see the very first frames; default none
 * @param upgradeAfter how long a client that had to fall back waits before it tries WebSocket
 *     again (docs/PROTOCOL.md §9.5), doubling after each failed try up to 5 min; default the page's
 *     {@code data-pagewire-config}, else 10 s. Only when starting at WebSocket with {@code fallback}
 * @param rememberFor how long a remembered fallback counts (§9.2); default the page's, else 1 h
 * @param transportMemory where the fallback of an origin is remembered; default {@link
 *     TransportMemory#perJvm()}
 */
public record ClientOptions(
        Transport transport,
        boolean fallback,
        Duration connectTimeout,
        Duration initialDelay,
        Duration maxDelay,
        int maxQueued,
        Duration callTimeout,
        HttpClient httpClient,
        Consumer<PagewireClient> setup,
        Duration upgradeAfter,
        Duration rememberFor,
        TransportMemory transportMemory) {

    public ClientOptions {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(setup, "setup");
        Objects.requireNonNull(transportMemory, "transportMemory");
        if (connectTimeout != null) {
            requirePositive(connectTimeout, "connectTimeout");
        }
        if (upgradeAfter != null) {
            requirePositive(upgradeAfter, "upgradeAfter");
        }
        if (rememberFor != null) {
            requirePositive(rememberFor, "rememberFor");
        }
        requirePositive(initialDelay, "initialDelay");
        requirePositive(callTimeout, "callTimeout");
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException(
                    "maxDelay " + maxDelay + " must not be shorter than initialDelay " + initialDelay);
        }
        if (maxQueued < 1) {
            throw new IllegalArgumentException("maxQueued must be positive, got " + maxQueued);
        }
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    private static void requirePositive(Duration d, String name) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** Builds {@link ClientOptions}; every setter is optional. Not thread-safe. */
    public static final class Builder {
        private Transport transport = Transport.WEBSOCKET;
        private boolean fallback = true;
        private Duration connectTimeout;
        private Duration initialDelay = Duration.ofMillis(250);
        private Duration maxDelay = Duration.ofSeconds(10);
        private int maxQueued = 1000;
        private Duration callTimeout = Duration.ofSeconds(30);
        private HttpClient httpClient;
        private Consumer<PagewireClient> setup = client -> {};
        private Duration upgradeAfter;
        private Duration rememberFor;
        private TransportMemory transportMemory = TransportMemory.perJvm();

        private Builder() {}

        /** The transport tried first, and with {@code fallback(false)} the only one. */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /** Uses {@code transport} only: no fallback (docs/PROTOCOL.md §9.1). */
        public Builder forceTransport(Transport transport) {
            return transport(transport).fallback(false);
        }

        /** Whether to fall back to the next transport when one fails before {@code hello}. */
        public Builder fallback(boolean fallback) {
            this.fallback = fallback;
            return this;
        }

        /** How long a transport with a fallback after it may take to prove itself. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** The reconnect back-off: first step and largest step. */
        public Builder reconnectDelay(Duration initial, Duration max) {
            this.initialDelay = initial;
            this.maxDelay = max;
            return this;
        }

        /** How many data frames may wait for the server's ack. */
        public Builder maxQueued(int frames) {
            this.maxQueued = frames;
            return this;
        }

        /** The default deadline of {@link PagewireClient#call(String, Object)}. */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = timeout;
            return this;
        }

        /** The HTTP client to use; the caller keeps owning it ({@code close()} does not close it). */
        public Builder httpClient(HttpClient client) {
            this.httpClient = client;
            return this;
        }

        /** Registers listeners and handlers on the new client before it connects. */
        public Builder setup(Consumer<PagewireClient> setup) {
            this.setup = Objects.requireNonNull(setup, "setup");
            return this;
        }

        /** How long a client on a fallback waits before it tries WebSocket again (§9.5). */
        public Builder upgradeAfter(Duration delay) {
            this.upgradeAfter = delay;
            return this;
        }

        /** How long a remembered fallback counts (§9.2). */
        public Builder rememberFor(Duration age) {
            this.rememberFor = age;
            return this;
        }

        /** Where the fallback of an origin is remembered; {@link TransportMemory#none()} for nowhere. */
        public Builder transportMemory(TransportMemory memory) {
            this.transportMemory = Objects.requireNonNull(memory, "memory");
            return this;
        }

        public ClientOptions build() {
            return new ClientOptions(
                    transport,
                    fallback,
                    connectTimeout,
                    initialDelay,
                    maxDelay,
                    maxQueued,
                    callTimeout,
                    httpClient,
                    setup,
                    upgradeAfter,
                    rememberFor,
                    transportMemory);
        }
    }
}
