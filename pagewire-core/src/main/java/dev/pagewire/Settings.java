package dev.pagewire;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The limits and timings of a {@link Pagewire} application. Immutable; build with {@link #builder()}.
 * Every limit has a default chosen for an ordinary public web app; each is enforced per page or per
 * connection, so one misbehaving page never affects the others.
 *
 * @param maxMessageBytes largest inbound message (a WebSocket message, after reassembly and
 *     decompression); larger ones close the connection with {@code 1009}. Default 64 KiB.
 * @param maxJsonDepth deepest nesting of inbound JSON; deeper frames close with {@code 4400}.
 *     Default 32.
 * @param maxQueuedEvents inbound events waiting for a page's handlers; more close the connection
 *     with {@code 4429}. Default 1024.
 * @param maxOutboundBytes bytes a connection may have accepted and not yet written to the network;
 *     more close that connection with {@code 4503} (slow consumer). The page keeps its replay
 *     buffer, so its browser resumes where it left off. Default 4 MiB.
 * @param maxReplayFrames data frames a page keeps until its browser acknowledges them, to resend
 *     after a reconnect (and, while disconnected, to send at all); past it the oldest are dropped
 *     and the browser is told it missed them (docs/PROTOCOL.md §10.4). Default 1024.
 * @param maxReplayBytes bytes of data frames a page keeps that way, bounding its memory whatever
 *     the browser does; past it the oldest are dropped likewise. Default 1 MiB.
 * @param callTimeout how long {@link Page#call(String, Object)} waits for the browser's reply
 *     before it fails with {@link CallException} code {@code timeout}. Default 30 s.
 * @param heartbeatInterval how long the server lets either direction stay silent before it pings.
 *     Default 15 s, well below the usual 30–60 s idle timeouts of proxies.
 * @param idleTimeout how long a connection may send nothing before it is considered dead and closed
 *     with {@code 4408}. Default 45 s.
 * @param closeGracePeriod how long a disconnected page waits for its browser to come back before it
 *     is closed. Default 30 s.
 * @param tokenTtl how long a rendered page waits for its first connection. Default 2 min.
 * @param pollTimeout how long a long-polling request is held while nothing is queued for it, before
 *     it is answered empty and the client polls again. Keep it below the idle timeouts of the
 *     proxies in front (often 30–60 s). Default 20 s.
 * @param allowedOrigins origins other than the server's own that may open channels, such as
 *     {@code "https://app.example.com"}; {@code "*"} allows any. Default: none (same origin only).
 *     Answers to them carry CORS headers naming the origin (docs/PROTOCOL.md §12.2).
 * @param allowCredentials whether answers to allowed cross-origin requests say
 *     {@code Access-Control-Allow-Credentials: true}, so that a browser channel opened with
 *     {@code withCredentials} (cookies, HTTP authentication) may read them. Default off: the
 *     channel needs no cookie, and the browser refuses credentialed channels to this server.
 * @param maxChannels channels a page may have open to endpoints at once; more are refused with
 *     code {@code limit}. Default 16.
 * @param compression whether WebSocket {@code permessage-deflate} is offered. Default on.
 * @param connectTimeout how long the browser client waits for a transport to deliver its first frame
 *     before it gives that transport up and tries the next (WebSocket, then SSE, then long-polling).
 *     Sent to the client with the page. Default 3 s.
 * @param upgradeAfter how long a page that had to fall back waits before it tries WebSocket again
 *     in the background (doubling after each failure, up to 5 min). Sent to the client with the
 *     page. Default 10 s.
 * @param reloadOnExpired whether the browser reloads a page (which renders a new one) when the
 *     server no longer has it: its grace period ended, or the server restarted. Sent to the client
 *     with the page. Default off: the page shows state {@code expired} and decides itself.
 * @param topicHistory how many of a topic's latest broadcasts it keeps for pages that join later,
 *     which receive them right after joining, before any new broadcast; {@code 0} keeps none. The
 *     default for every topic; {@link Topic#history(int)} sets it per topic. At least 0. Default 0.
 * @param drainTimeout how long {@link Pagewire#drain()} keeps serving the pages of a node that is
 *     shutting down (while new pages go to other nodes of its cluster) before it tells them to reload.
 *     Default 30 s.
 * @param clientLimits what one client may do per second: page renders and channel opens per
 *     address, events per connection (docs/SECURITY.md). See {@link ClientLimits} for the defaults.
 * @param staticFileLimits the memory static files may take: what is cached, and the largest answer
 *     (docs/SERVERS.md, Static files). See {@link StaticFileLimits} for the defaults.
 * @param secret the HMAC key for page tokens, at least 32 bytes. Default: random per start. On a
 *     cluster the backplane's shared secret is used instead (docs/CLUSTER.md).
 */
public record Settings(
        int maxMessageBytes,
        int maxJsonDepth,
        int maxQueuedEvents,
        long maxOutboundBytes,
        int maxReplayFrames,
        long maxReplayBytes,
        Duration callTimeout,
        Duration heartbeatInterval,
        Duration idleTimeout,
        Duration closeGracePeriod,
        Duration tokenTtl,
        Duration pollTimeout,
        Set<String> allowedOrigins,
        boolean allowCredentials,
        int maxChannels,
        boolean compression,
        Duration connectTimeout,
        Duration upgradeAfter,
        boolean reloadOnExpired,
        int topicHistory,
        Duration drainTimeout,
        ClientLimits clientLimits,
        StaticFileLimits staticFileLimits,
        byte[] secret) {

    /**
     * Rates one client may not exceed (docs/SECURITY.md), each a sustained rate with bursts of twice
     * as much. A client is its remote address, or, behind a reverse proxy that says who its client
     * was, the last address in {@code clientAddressHeader} (set it only when every request passes
     * that proxy, or clients choose their own key).
     *
     * @param rendersPerSecond pages one client may render per second; more are answered {@code 429}
     *     with {@code Retry-After}. Default 100 (one address may be a whole office, or a carrier's
     *     NAT).
     * @param channelOpensPerSecond channel connections (WebSocket, fallback, endpoint opens) one client
     *     may open per second; more are answered {@code 429}. Default 100.
     * @param eventsPerSecond events (and calls and replies) one connection may send per second; more
     *     close it with {@code 4429}. Default 1000.
     * @param clientAddressHeader the header naming the client's address, such as {@code
     *     X-Forwarded-For}, or {@code null} for the connection's remote address. Default {@code null}.
     */
    public record ClientLimits(
            int rendersPerSecond, int channelOpensPerSecond, int eventsPerSecond, String clientAddressHeader) {

        /** The defaults: 100 renders and 100 opens per client, 1000 events per connection, per second. */
        public static final ClientLimits DEFAULTS = new ClientLimits(100, 100, 1000, null);

        /**
         * Checks the limits.
         *
         * @throws IllegalArgumentException if a rate is not positive or the header name is blank
         */
        public ClientLimits {
            positive(rendersPerSecond, "rendersPerSecond");
            positive(channelOpensPerSecond, "channelOpensPerSecond");
            positive(eventsPerSecond, "eventsPerSecond");
            if (clientAddressHeader != null && clientAddressHeader.isBlank()) {
                throw new IllegalArgumentException("clientAddressHeader must be a header name or null");
            }
        }
    }

    /**
     * The memory that serving static files may take ({@link Pagewire#staticFiles}). Files are answered
     * from memory; the answers' bodies are never streamed from disk.
     *
     * @param cacheBytes the most bytes of static files (and of their gzipped forms) kept in memory
     *     between requests, least recently used dropped first; a file is kept if it is at most a
     *     sixteenth of this, larger ones are read for each request. Only kept files are gzipped (once
     *     per version), so {@code 0} keeps none and compresses none. Default
     *     32 MiB (files up to 2 MiB kept).
     * @param maxFileBytes the most bytes one answer reads into memory: a whole file, or the range a
     *     {@code Range} request asks for. A larger file is answered {@code 500} unless a range of it
     *     is asked for (video players do); serve such files from a proxy or a CDN. At most 1 GiB.
     *     Default 32 MiB.
     */
    public record StaticFileLimits(long cacheBytes, long maxFileBytes) {

        /** The defaults: 32 MiB cached, answers of up to 32 MiB. */
        public static final StaticFileLimits DEFAULTS = new StaticFileLimits(32L << 20, 32L << 20);

        /**
         * Checks the limits.
         *
         * @throws IllegalArgumentException if {@code cacheBytes} is negative, or {@code maxFileBytes}
         *     is not positive or over 1 GiB
         */
        public StaticFileLimits {
            if (cacheBytes < 0) {
                throw new IllegalArgumentException("cacheBytes must be 0 or more, got " + cacheBytes);
            }
            positive(maxFileBytes, "maxFileBytes");
            if (maxFileBytes > 1L << 30) {
                throw new IllegalArgumentException("maxFileBytes must be at most 1 GiB, got " + maxFileBytes);
            }
        }

        /** {@return the size of the largest file kept in the cache: a sixteenth of {@link #cacheBytes()}} */
        public long maxCachedFileBytes() {
            return cacheBytes / 16;
        }
    }

    /**
     * Checks every setting and copies the mutable ones; {@link Builder#build()} is the usual way here.
     *
     * @throws IllegalArgumentException naming the setting that is out of range
     * @throws NullPointerException if {@code clientLimits}, {@code staticFileLimits} or
     *     {@code secret} is {@code null}
     */
    public Settings {
        positive(maxMessageBytes, "maxMessageBytes");
        positive(maxJsonDepth, "maxJsonDepth");
        positive(maxQueuedEvents, "maxQueuedEvents");
        positive(maxOutboundBytes, "maxOutboundBytes");
        positive(maxReplayFrames, "maxReplayFrames");
        positive(maxReplayBytes, "maxReplayBytes");
        positive(callTimeout, "callTimeout");
        positive(heartbeatInterval, "heartbeatInterval");
        positive(idleTimeout, "idleTimeout");
        positive(closeGracePeriod, "closeGracePeriod");
        positive(tokenTtl, "tokenTtl");
        positive(pollTimeout, "pollTimeout");
        positive(maxChannels, "maxChannels");
        positive(connectTimeout, "connectTimeout");
        positive(upgradeAfter, "upgradeAfter");
        positive(drainTimeout, "drainTimeout");
        if (topicHistory < 0) {
            throw new IllegalArgumentException("topicHistory must be 0 or more, got " + topicHistory);
        }
        if (idleTimeout.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("idleTimeout (" + idleTimeout
                    + ") must be longer than heartbeatInterval (" + heartbeatInterval + ")");
        }
        allowedOrigins = Set.copyOf(allowedOrigins);
        Objects.requireNonNull(clientLimits, "clientLimits");
        Objects.requireNonNull(staticFileLimits, "staticFileLimits");
        Objects.requireNonNull(secret, "secret");
        if (secret.length < 32) {
            throw new IllegalArgumentException("secret must have at least 32 bytes, got " + secret.length);
        }
        secret = secret.clone();
    }

    /** {@return the default settings, with a fresh random secret} */
    public static Settings defaults() {
        return builder().build();
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a copy of the token secret} */
    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "Settings[maxMessageBytes=" + maxMessageBytes + ", maxJsonDepth=" + maxJsonDepth
                + ", maxQueuedEvents=" + maxQueuedEvents + ", maxOutboundBytes=" + maxOutboundBytes
                + ", maxReplayFrames=" + maxReplayFrames + ", maxReplayBytes=" + maxReplayBytes
                + ", callTimeout=" + callTimeout
                + ", heartbeatInterval=" + heartbeatInterval + ", idleTimeout=" + idleTimeout
                + ", closeGracePeriod=" + closeGracePeriod + ", tokenTtl=" + tokenTtl + ", pollTimeout=" + pollTimeout
                + ", allowedOrigins=" + allowedOrigins + ", allowCredentials=" + allowCredentials
                + ", maxChannels=" + maxChannels + ", compression=" + compression
                + ", connectTimeout=" + connectTimeout + ", upgradeAfter=" + upgradeAfter
                + ", reloadOnExpired=" + reloadOnExpired + ", topicHistory=" + topicHistory
                + ", drainTimeout=" + drainTimeout + ", clientLimits=" + clientLimits
                + ", staticFileLimits=" + staticFileLimits
                + ", secret=(" + secret.length + " bytes)]";
    }

    private static void positive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static void positive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }

    /** Builds {@link Settings}; every method returns this builder. Not thread-safe. */
    public static final class Builder {
        private int maxMessageBytes = 64 * 1024;
        private int maxJsonDepth = 32;
        private int maxQueuedEvents = 1024;
        private long maxOutboundBytes = 4L * 1024 * 1024;
        private int maxReplayFrames = 1024;
        private long maxReplayBytes = 1024 * 1024;
        private Duration callTimeout = Duration.ofSeconds(30);
        private Duration heartbeatInterval = Duration.ofSeconds(15);
        private Duration idleTimeout = Duration.ofSeconds(45);
        private Duration closeGracePeriod = Duration.ofSeconds(30);
        private Duration tokenTtl = Duration.ofMinutes(2);
        private Duration pollTimeout = Duration.ofSeconds(20);
        private final Set<String> allowedOrigins = new LinkedHashSet<>();
        private boolean allowCredentials;
        private int maxChannels = 16;
        private boolean compression = true;
        private Duration connectTimeout = Duration.ofSeconds(3);
        private Duration upgradeAfter = Duration.ofSeconds(10);
        private boolean reloadOnExpired;
        private int topicHistory;
        private Duration drainTimeout = Duration.ofSeconds(30);
        private ClientLimits clientLimits = ClientLimits.DEFAULTS;
        private StaticFileLimits staticFileLimits = StaticFileLimits.DEFAULTS;
        private byte[] secret;

        private Builder() {}

        /**
         * Sets {@link Settings#maxMessageBytes()}; {@link #build()} checks the value.
         *
         * @param bytes the largest inbound message, in bytes; positive
         * @return this builder
         */
        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        /**
         * Sets {@link Settings#maxJsonDepth()}; {@link #build()} checks the value.
         *
         * @param depth the deepest nesting of inbound JSON; positive
         * @return this builder
         */
        public Builder maxJsonDepth(int depth) {
            this.maxJsonDepth = depth;
            return this;
        }

        /**
         * Sets {@link Settings#maxQueuedEvents()}; {@link #build()} checks the value.
         *
         * @param events how many inbound events may wait for a page's handlers; positive
         * @return this builder
         */
        public Builder maxQueuedEvents(int events) {
            this.maxQueuedEvents = events;
            return this;
        }

        /**
         * Sets {@link Settings#maxOutboundBytes()}; {@link #build()} checks the value.
         *
         * @param bytes how many bytes a connection may hold unwritten; positive
         * @return this builder
         */
        public Builder maxOutboundBytes(long bytes) {
            this.maxOutboundBytes = bytes;
            return this;
        }

        /**
         * Sets {@link Settings#maxReplayFrames()}; {@link #build()} checks the value.
         *
         * @param frames how many unacknowledged data frames a page keeps; positive
         * @return this builder
         */
        public Builder maxReplayFrames(int frames) {
            this.maxReplayFrames = frames;
            return this;
        }

        /**
         * Sets {@link Settings#maxReplayBytes()}; {@link #build()} checks the value.
         *
         * @param bytes how many bytes of unacknowledged data frames a page keeps; positive
         * @return this builder
         */
        public Builder maxReplayBytes(long bytes) {
            this.maxReplayBytes = bytes;
            return this;
        }

        /**
         * Sets {@link Settings#callTimeout()}; {@link #build()} checks the value.
         *
         * @param timeout how long a call to the browser waits for its reply; positive
         * @return this builder
         */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = timeout;
            return this;
        }

        /**
         * Sets {@link Settings#heartbeatInterval()}; {@link #build()} checks the value.
         *
         * @param interval how long either direction may be silent before the server pings; positive and
         *     shorter than the idle timeout
         * @return this builder
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = interval;
            return this;
        }

        /**
         * Sets {@link Settings#idleTimeout()}; {@link #build()} checks the value.
         *
         * @param timeout how long a silent connection lives; longer than the heartbeat interval
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Sets {@link Settings#closeGracePeriod()}; {@link #build()} checks the value.
         *
         * @param grace how long a disconnected page waits for its browser; positive
         * @return this builder
         */
        public Builder closeGracePeriod(Duration grace) {
            this.closeGracePeriod = grace;
            return this;
        }

        /**
         * Sets {@link Settings#pollTimeout()}; {@link #build()} checks the value.
         *
         * @param timeout how long a long-poll with nothing to deliver is held; positive
         * @return this builder
         */
        public Builder pollTimeout(Duration timeout) {
            this.pollTimeout = timeout;
            return this;
        }

        /**
         * Sets {@link Settings#tokenTtl()}; {@link #build()} checks the value.
         *
         * @param ttl how long a rendered page waits for its first connection; positive
         * @return this builder
         */
        public Builder tokenTtl(Duration ttl) {
            this.tokenTtl = ttl;
            return this;
        }

        /**
         * Adds origins to {@link Settings#allowedOrigins()}.
         *
         * @param origins origins such as {@code "https://a.example"}, or {@code "*"} for any
         * @return this builder
         * @throws NullPointerException if an origin is {@code null}
         */
        public Builder allowOrigins(String... origins) {
            for (String origin : origins) {
                allowedOrigins.add(Objects.requireNonNull(origin, "origin"));
            }
            return this;
        }

        /**
         * Sets {@link Settings#allowCredentials()}; {@link #build()} checks the value.
         *
         * @param allow {@code true} to tell allowed origins {@code Access-Control-Allow-Credentials: true}
         * @return this builder
         */
        public Builder allowCredentials(boolean allow) {
            this.allowCredentials = allow;
            return this;
        }

        /**
         * Sets {@link Settings#maxChannels()}; {@link #build()} checks the value.
         *
         * @param channels how many channels to endpoints a page may have open at once; positive
         * @return this builder
         */
        public Builder maxChannels(int channels) {
            this.maxChannels = channels;
            return this;
        }

        /**
         * Sets {@link Settings#compression()}; {@link #build()} checks the value.
         *
         * @param enabled {@code true} to offer WebSocket {@code permessage-deflate}
         * @return this builder
         */
        public Builder compression(boolean enabled) {
            this.compression = enabled;
            return this;
        }

        /**
         * Sets {@link Settings#connectTimeout()}; {@link #build()} checks the value.
         *
         * @param timeout how long the browser waits for a transport's first frame; positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Sets {@link Settings#upgradeAfter()}; {@link #build()} checks the value.
         *
         * @param delay how long a page that fell back waits before it tries WebSocket again; positive
         * @return this builder
         */
        public Builder upgradeAfter(Duration delay) {
            this.upgradeAfter = delay;
            return this;
        }

        /**
         * Sets {@link Settings#reloadOnExpired()}; {@link #build()} checks the value.
         *
         * @param reload {@code true} to have the browser reload a page the server no longer has
         * @return this builder
         */
        public Builder reloadOnExpired(boolean reload) {
            this.reloadOnExpired = reload;
            return this;
        }

        /**
         * Sets {@link Settings#topicHistory()}; {@link #build()} checks the value.
         *
         * @param broadcasts how many broadcasts each topic keeps for pages that join later; 0 or more
         * @return this builder
         */
        public Builder topicHistory(int broadcasts) {
            this.topicHistory = broadcasts;
            return this;
        }

        /**
         * Sets {@link Settings#drainTimeout()}; {@link #build()} checks the value.
         *
         * @param timeout how long {@link Pagewire#drain()} keeps serving a node's pages; positive
         * @return this builder
         */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = timeout;
            return this;
        }

        /**
         * Sets {@link Settings#clientLimits()}; {@link #build()} checks the value.
         *
         * @param limits the rates one client may not exceed; never {@code null}
         * @return this builder
         */
        public Builder clientLimits(ClientLimits limits) {
            this.clientLimits = limits;
            return this;
        }

        /**
         * Sets {@link Settings#staticFileLimits()}; {@link #build()} checks the value.
         *
         * @param limits the memory static files may take; never {@code null}
         * @return this builder
         */
        public Builder staticFileLimits(StaticFileLimits limits) {
            this.staticFileLimits = limits;
            return this;
        }

        /**
         * Sets {@link Settings#secret()}; {@link #build()} checks the value.
         *
         * @param secret the HMAC key, at least 32 bytes; copied
         * @return this builder
         */
        public Builder secret(byte[] secret) {
            this.secret = secret.clone();
            return this;
        }

        /**
         * Builds the settings, with a fresh random secret unless one was set.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the setting that is out of range
         */
        public Settings build() {
            byte[] key = secret;
            if (key == null) {
                key = new byte[32];
                new SecureRandom().nextBytes(key);
            }
            return new Settings(
                    maxMessageBytes,
                    maxJsonDepth,
                    maxQueuedEvents,
                    maxOutboundBytes,
                    maxReplayFrames,
                    maxReplayBytes,
                    callTimeout,
                    heartbeatInterval,
                    idleTimeout,
                    closeGracePeriod,
                    tokenTtl,
                    pollTimeout,
                    allowedOrigins,
                    allowCredentials,
                    maxChannels,
                    compression,
                    connectTimeout,
                    upgradeAfter,
                    reloadOnExpired,
                    topicHistory,
                    drainTimeout,
                    clientLimits,
                    staticFileLimits,
                    key);
        }
    }
}
