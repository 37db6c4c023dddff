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

    /**
     * Checks the options.
     *
     * @throws NullPointerException if an option without a page default is {@code null}
     * @throws IllegalArgumentException if a duration is not positive, {@code maxDelay} is shorter than
     *     {@code initialDelay}, or {@code maxQueued} is below 1
     */
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

    /** {@return a new builder with every default} */
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

        /**
         * Sets the transport tried first, and with {@code fallback(false)} the only one.
         *
         * @param transport the first transport; never {@code null}
         * @return this builder
         */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Uses {@code transport} only: no fallback (docs/PROTOCOL.md §9.1).
         *
         * @param transport the one transport; never {@code null}
         * @return this builder
         */
        public Builder forceTransport(Transport transport) {
            return transport(transport).fallback(false);
        }

        /**
         * Sets whether to fall back to the next transport when one fails before {@code hello}.
         *
         * @param fallback {@code false} to keep to the first transport
         * @return this builder
         */
        public Builder fallback(boolean fallback) {
            this.fallback = fallback;
            return this;
        }

        /**
         * Sets how long a transport with a fallback after it may take to prove itself.
         *
         * @param timeout a positive duration, or {@code null} for the page's value (else 3 s)
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Sets the reconnect back-off.
         *
         * @param initial the first step; positive
         * @param max the largest step; not shorter than {@code initial}
         * @return this builder
         */
        public Builder reconnectDelay(Duration initial, Duration max) {
            this.initialDelay = initial;
            this.maxDelay = max;
            return this;
        }

        /**
         * Sets how many data frames may wait for the server's ack.
         *
         * @param frames at least 1
         * @return this builder
         */
        public Builder maxQueued(int frames) {
            this.maxQueued = frames;
            return this;
        }

        /**
         * Sets the deadline of {@link PagewireClient#call(String, Object)}.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = timeout;
            return this;
        }

        /**
         * Sets the HTTP client to use; the caller keeps owning it ({@code close()} does not close it).
         *
         * @param client the HTTP client, or {@code null} for a new one per client
         * @return this builder
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = client;
            return this;
        }

        /**
         * Sets what registers listeners and handlers on the new client before it connects.
         *
         * @param setup runs once, with the client, before its first connection; never {@code null}
         * @return this builder
         */
        public Builder setup(Consumer<PagewireClient> setup) {
            this.setup = Objects.requireNonNull(setup, "setup");
            return this;
        }

        /**
         * Sets how long a client on a fallback waits before it tries WebSocket again (§9.5).
         *
         * @param delay a positive duration, or {@code null} for the page's value (else 10 s)
         * @return this builder
         */
        public Builder upgradeAfter(Duration delay) {
            this.upgradeAfter = delay;
            return this;
        }

        /**
         * Sets how long a remembered fallback counts (§9.2).
         *
         * @param age a positive duration, or {@code null} for the page's value (else 1 h)
         * @return this builder
         */
        public Builder rememberFor(Duration age) {
            this.rememberFor = age;
            return this;
        }

        /**
         * Sets where the fallback of an origin is remembered.
         *
         * @param memory the memory; {@link TransportMemory#none()} for nowhere, never {@code null}
         * @return this builder
         */
        public Builder transportMemory(TransportMemory memory) {
            this.transportMemory = Objects.requireNonNull(memory, "memory");
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException if an option is out of range
         */
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
