package dev.pagewire.spring;

import dev.pagewire.Settings;
import dev.pagewire.servlet.ServletSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code pagewire.*} properties: the application's {@link Settings} and the Servlet adapter's
 * {@link ServletSettings}. Unset properties keep Pagewire's defaults (listed here too). Sizes take
 * units ({@code 64KB}, {@code 4MB}; a plain number is bytes), durations too ({@code 30s},
 * {@code 2m}; a plain number is milliseconds).
 *
 * <p>Mutable while Spring binds it, then read once when the {@code Pagewire} bean is created.
 */
@ConfigurationProperties("pagewire")
public class PagewireProperties {

    /** Largest message a client may send; a larger one closes its connection with 1009. */
    private DataSize maxMessageBytes = DataSize.ofKilobytes(64);

    /** Deepest nesting of a JSON message; deeper is a malformed frame (4400). */
    private int maxJsonDepth = 32;

    /** Inbound events waiting for one page's handlers; more close the connection with 4429. */
    private int maxQueuedEvents = 1024;

    /** Bytes a connection has not written yet; more close it with 4503 (slow consumer), and the page resumes on the next one. */
    private DataSize maxOutboundBytes = DataSize.ofMegabytes(4);

    /** Data frames a page keeps until the browser acknowledges them; past it the oldest are dropped and the browser is told it missed them. */
    private int maxReplayFrames = 1024;

    /** Bytes of those kept frames per page; past it the oldest are dropped likewise. */
    private DataSize maxReplayBytes = DataSize.ofMegabytes(1);

    /** How long page.call(...) waits for the browser's reply before failing with code 'timeout'. */
    private Duration callTimeout = Duration.ofSeconds(30);

    /** The server pings when either direction was silent this long. */
    private Duration heartbeatInterval = Duration.ofSeconds(15);

    /** A connection that sent nothing this long is closed with 4408; longer than the heartbeat interval. */
    private Duration idleTimeout = Duration.ofSeconds(45);

    /** How long a disconnected page waits for its tab to come back before it is closed. */
    private Duration closeGracePeriod = Duration.ofSeconds(30);

    /** How long a rendered page waits for its first connection. */
    private Duration tokenTtl = Duration.ofMinutes(2);

    /** How long a long-poll with nothing to deliver is held before it is answered empty; below the idle timeouts of the proxies in front. */
    private Duration pollTimeout = Duration.ofSeconds(20);

    /** Other origins allowed to open channels, such as https://app.example.com; '*' allows any. The page's own origin always is. */
    private List<String> allowedOrigins = new ArrayList<>();

    /** Whether answers to allowed origins say Access-Control-Allow-Credentials: true, so browser channels opened withCredentials work. */
    private boolean allowCredentials = false;

    /** Channels to endpoints a page may have open at once; more are refused with code 'limit'. */
    private int maxChannels = 16;

    /** Whether WebSocket permessage-deflate is offered (with an inflate limit of max-message-bytes). */
    private boolean compression = true;

    /** How long the browser waits for a transport's first frame before it tries the next one. */
    private Duration connectTimeout = Duration.ofSeconds(3);

    /** How long a page that fell back waits before it tries WebSocket again (doubling, up to 5 min). */
    private Duration upgradeAfter = Duration.ofSeconds(10);

    /** Whether the browser reloads a page when the server no longer has it (grace period over, or a restarted server); otherwise the page shows state 'expired'. */
    private boolean reloadOnExpired = false;

    /** Broadcasts a topic keeps for pages that join later; 0 keeps none. */
    private int topicHistory = 0;

    /** How long a stopping node of a cluster serves its pages (new pages go to the other nodes) before it tells them to reload. Keep spring.lifecycle.timeout-per-shutdown-phase above it. */
    private Duration drainTimeout = Duration.ofSeconds(30);

    /** HMAC key for page tokens: its UTF-8 bytes, at least 32. Unset: random per start. On a cluster (a Backplane bean) the backplane's shared secret is used instead. */
    private String secret;

    /** The Servlet adapter's own settings. */
    private final Servlet servlet = new Servlet();

    /** Creates the properties at Pagewire's defaults; Spring Boot then binds {@code pagewire.*} onto them. */
    public PagewireProperties() {}

    /** The {@code pagewire.servlet.*} properties. */
    public static class Servlet {

        /** Largest body of a Pagewire request (a fallback POST, an endpoint open); larger ones are answered 413. */
        private DataSize maxRequestBytes = DataSize.ofMegabytes(1);

        /** Creates the properties at the adapter's defaults. */
        public Servlet() {}

        /**
         * {@return the value of {@code pagewire.servlet.max-request-bytes}} Largest body of a Pagewire request
         * (a fallback POST, an endpoint open); larger ones are answered 413.
         */
        public DataSize getMaxRequestBytes() {
            return maxRequestBytes;
        }

        /**
         * Sets {@code pagewire.servlet.max-request-bytes}; Spring Boot calls this while it binds the properties.
         *
         * @param maxRequestBytes the new value; see {@link #getMaxRequestBytes()}
         */
        public void setMaxRequestBytes(DataSize maxRequestBytes) {
            this.maxRequestBytes = maxRequestBytes;
        }
    }

    /**
     * Sets every property on {@code builder}, for an application that makes its own {@code Pagewire}
     * bean and still wants {@code pagewire.*}: {@code Pagewire.create(s -> { properties.applyTo(s); … })}.
     *
     * @param builder the settings builder to set every property on
     * @throws IllegalArgumentException naming the property whose size does not fit an {@code int}
     */
    public void applyTo(Settings.Builder builder) {
        builder.maxMessageBytes(intBytes(maxMessageBytes, "pagewire.max-message-bytes"))
                .maxJsonDepth(maxJsonDepth)
                .maxQueuedEvents(maxQueuedEvents)
                .maxOutboundBytes(maxOutboundBytes.toBytes())
                .maxReplayFrames(maxReplayFrames)
                .maxReplayBytes(maxReplayBytes.toBytes())
                .callTimeout(callTimeout)
                .heartbeatInterval(heartbeatInterval)
                .idleTimeout(idleTimeout)
                .closeGracePeriod(closeGracePeriod)
                .tokenTtl(tokenTtl)
                .pollTimeout(pollTimeout)
                .allowOrigins(allowedOrigins.toArray(String[]::new))
                .allowCredentials(allowCredentials)
                .maxChannels(maxChannels)
                .compression(compression)
                .connectTimeout(connectTimeout)
                .upgradeAfter(upgradeAfter)
                .reloadOnExpired(reloadOnExpired)
                .topicHistory(topicHistory)
                .drainTimeout(drainTimeout);
        if (secret != null) {
            builder.secret(secret.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * {@return the Servlet adapter's settings from {@code pagewire.servlet.*}}
     *
     * @throws IllegalArgumentException if {@code pagewire.servlet.max-request-bytes} is out of range
     */
    public ServletSettings servletSettings() {
        return new ServletSettings(intBytes(servlet.maxRequestBytes, "pagewire.servlet.max-request-bytes"));
    }

    private static int intBytes(DataSize size, String property) {
        long bytes = size.toBytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(property + " must be below 2GB, got " + size);
        }
        return (int) bytes;
    }

    /**
     * {@return the value of {@code pagewire.max-message-bytes}} Largest message a client may send; a larger one
     * closes its connection with 1009.
     */
    public DataSize getMaxMessageBytes() {
        return maxMessageBytes;
    }

    /**
     * Sets {@code pagewire.max-message-bytes}; Spring Boot calls this while it binds the properties.
     *
     * @param maxMessageBytes the new value; see {@link #getMaxMessageBytes()}
     */
    public void setMaxMessageBytes(DataSize maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * {@return the value of {@code pagewire.max-json-depth}} Deepest nesting of a JSON message; deeper is a
     * malformed frame (4400).
     */
    public int getMaxJsonDepth() {
        return maxJsonDepth;
    }

    /**
     * Sets {@code pagewire.max-json-depth}; Spring Boot calls this while it binds the properties.
     *
     * @param maxJsonDepth the new value; see {@link #getMaxJsonDepth()}
     */
    public void setMaxJsonDepth(int maxJsonDepth) {
        this.maxJsonDepth = maxJsonDepth;
    }

    /**
     * {@return the value of {@code pagewire.max-queued-events}} Inbound events waiting for one page's handlers;
     * more close the connection with 4429.
     */
    public int getMaxQueuedEvents() {
        return maxQueuedEvents;
    }

    /**
     * Sets {@code pagewire.max-queued-events}; Spring Boot calls this while it binds the properties.
     *
     * @param maxQueuedEvents the new value; see {@link #getMaxQueuedEvents()}
     */
    public void setMaxQueuedEvents(int maxQueuedEvents) {
        this.maxQueuedEvents = maxQueuedEvents;
    }

    /**
     * {@return the value of {@code pagewire.max-outbound-bytes}} Bytes a connection has not written yet; more
     * close it with 4503 (slow consumer), and the page resumes on the next one.
     */
    public DataSize getMaxOutboundBytes() {
        return maxOutboundBytes;
    }

    /**
     * Sets {@code pagewire.max-outbound-bytes}; Spring Boot calls this while it binds the properties.
     *
     * @param maxOutboundBytes the new value; see {@link #getMaxOutboundBytes()}
     */
    public void setMaxOutboundBytes(DataSize maxOutboundBytes) {
        this.maxOutboundBytes = maxOutboundBytes;
    }

    /**
     * {@return the value of {@code pagewire.max-replay-frames}} Data frames a page keeps until the browser
     * acknowledges them; past it the oldest are dropped and the browser is told it missed them.
     */
    public int getMaxReplayFrames() {
        return maxReplayFrames;
    }

    /**
     * Sets {@code pagewire.max-replay-frames}; Spring Boot calls this while it binds the properties.
     *
     * @param maxReplayFrames the new value; see {@link #getMaxReplayFrames()}
     */
    public void setMaxReplayFrames(int maxReplayFrames) {
        this.maxReplayFrames = maxReplayFrames;
    }

    /**
     * {@return the value of {@code pagewire.max-replay-bytes}} Bytes of those kept frames per page; past it the
     * oldest are dropped likewise.
     */
    public DataSize getMaxReplayBytes() {
        return maxReplayBytes;
    }

    /**
     * Sets {@code pagewire.max-replay-bytes}; Spring Boot calls this while it binds the properties.
     *
     * @param maxReplayBytes the new value; see {@link #getMaxReplayBytes()}
     */
    public void setMaxReplayBytes(DataSize maxReplayBytes) {
        this.maxReplayBytes = maxReplayBytes;
    }

    /**
     * {@return the value of {@code pagewire.call-timeout}} How long page.call(...) waits for the browser's reply
     * before failing with code 'timeout'.
     */
    public Duration getCallTimeout() {
        return callTimeout;
    }

    /**
     * Sets {@code pagewire.call-timeout}; Spring Boot calls this while it binds the properties.
     *
     * @param callTimeout the new value; see {@link #getCallTimeout()}
     */
    public void setCallTimeout(Duration callTimeout) {
        this.callTimeout = callTimeout;
    }

    /**
     * {@return the value of {@code pagewire.heartbeat-interval}} The server pings when either direction was
     * silent this long.
     */
    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * Sets {@code pagewire.heartbeat-interval}; Spring Boot calls this while it binds the properties.
     *
     * @param heartbeatInterval the new value; see {@link #getHeartbeatInterval()}
     */
    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    /**
     * {@return the value of {@code pagewire.idle-timeout}} A connection that sent nothing this long is closed
     * with 4408; longer than the heartbeat interval.
     */
    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    /**
     * Sets {@code pagewire.idle-timeout}; Spring Boot calls this while it binds the properties.
     *
     * @param idleTimeout the new value; see {@link #getIdleTimeout()}
     */
    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    /**
     * {@return the value of {@code pagewire.close-grace-period}} How long a disconnected page waits for its tab
     * to come back before it is closed.
     */
    public Duration getCloseGracePeriod() {
        return closeGracePeriod;
    }

    /**
     * Sets {@code pagewire.close-grace-period}; Spring Boot calls this while it binds the properties.
     *
     * @param closeGracePeriod the new value; see {@link #getCloseGracePeriod()}
     */
    public void setCloseGracePeriod(Duration closeGracePeriod) {
        this.closeGracePeriod = closeGracePeriod;
    }

    /** {@return the value of {@code pagewire.token-ttl}} How long a rendered page waits for its first connection. */
    public Duration getTokenTtl() {
        return tokenTtl;
    }

    /**
     * Sets {@code pagewire.token-ttl}; Spring Boot calls this while it binds the properties.
     *
     * @param tokenTtl the new value; see {@link #getTokenTtl()}
     */
    public void setTokenTtl(Duration tokenTtl) {
        this.tokenTtl = tokenTtl;
    }

    /**
     * {@return the value of {@code pagewire.poll-timeout}} How long a long-poll with nothing to deliver is held
     * before it is answered empty; below the idle timeouts of the proxies in front.
     */
    public Duration getPollTimeout() {
        return pollTimeout;
    }

    /**
     * Sets {@code pagewire.poll-timeout}; Spring Boot calls this while it binds the properties.
     *
     * @param pollTimeout the new value; see {@link #getPollTimeout()}
     */
    public void setPollTimeout(Duration pollTimeout) {
        this.pollTimeout = pollTimeout;
    }

    /**
     * {@return the value of {@code pagewire.allowed-origins}} Other origins allowed to open channels, such as
     * https://app.example.com; '*' allows any. The page's own origin always is.
     */
    public List<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    /**
     * Sets {@code pagewire.allowed-origins}; Spring Boot calls this while it binds the properties.
     *
     * @param allowedOrigins the new value; see {@link #getAllowedOrigins()}
     */
    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    /**
     * {@return the value of {@code pagewire.allow-credentials}} Whether answers to allowed origins say
     * Access-Control-Allow-Credentials: true, so browser channels opened withCredentials work.
     */
    public boolean isAllowCredentials() {
        return allowCredentials;
    }

    /**
     * Sets {@code pagewire.allow-credentials}; Spring Boot calls this while it binds the properties.
     *
     * @param allowCredentials the new value; see {@link #isAllowCredentials()}
     */
    public void setAllowCredentials(boolean allowCredentials) {
        this.allowCredentials = allowCredentials;
    }

    /**
     * {@return the value of {@code pagewire.max-channels}} Channels to endpoints a page may have open at once;
     * more are refused with code 'limit'.
     */
    public int getMaxChannels() {
        return maxChannels;
    }

    /**
     * Sets {@code pagewire.max-channels}; Spring Boot calls this while it binds the properties.
     *
     * @param maxChannels the new value; see {@link #getMaxChannels()}
     */
    public void setMaxChannels(int maxChannels) {
        this.maxChannels = maxChannels;
    }

    /**
     * {@return the value of {@code pagewire.compression}} Whether WebSocket permessage-deflate is offered (with
     * an inflate limit of max-message-bytes).
     */
    public boolean isCompression() {
        return compression;
    }

    /**
     * Sets {@code pagewire.compression}; Spring Boot calls this while it binds the properties.
     *
     * @param compression the new value; see {@link #isCompression()}
     */
    public void setCompression(boolean compression) {
        this.compression = compression;
    }

    /**
     * {@return the value of {@code pagewire.connect-timeout}} How long the browser waits for a transport's first
     * frame before it tries the next one.
     */
    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    /**
     * Sets {@code pagewire.connect-timeout}; Spring Boot calls this while it binds the properties.
     *
     * @param connectTimeout the new value; see {@link #getConnectTimeout()}
     */
    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /**
     * {@return the value of {@code pagewire.upgrade-after}} How long a page that fell back waits before it tries
     * WebSocket again (doubling, up to 5 min).
     */
    public Duration getUpgradeAfter() {
        return upgradeAfter;
    }

    /**
     * Sets {@code pagewire.upgrade-after}; Spring Boot calls this while it binds the properties.
     *
     * @param upgradeAfter the new value; see {@link #getUpgradeAfter()}
     */
    public void setUpgradeAfter(Duration upgradeAfter) {
        this.upgradeAfter = upgradeAfter;
    }

    /**
     * {@return the value of {@code pagewire.reload-on-expired}} Whether the browser reloads a page when the
     * server no longer has it (grace period over, or a restarted server); otherwise the page shows state
     * 'expired'.
     */
    public boolean isReloadOnExpired() {
        return reloadOnExpired;
    }

    /**
     * Sets {@code pagewire.reload-on-expired}; Spring Boot calls this while it binds the properties.
     *
     * @param reloadOnExpired the new value; see {@link #isReloadOnExpired()}
     */
    public void setReloadOnExpired(boolean reloadOnExpired) {
        this.reloadOnExpired = reloadOnExpired;
    }

    /**
     * {@return the value of {@code pagewire.topic-history}} Broadcasts a topic keeps for pages that join later;
     * 0 keeps none.
     */
    public int getTopicHistory() {
        return topicHistory;
    }

    /**
     * Sets {@code pagewire.topic-history}; Spring Boot calls this while it binds the properties.
     *
     * @param topicHistory the new value; see {@link #getTopicHistory()}
     */
    public void setTopicHistory(int topicHistory) {
        this.topicHistory = topicHistory;
    }

    /**
     * {@return the value of {@code pagewire.drain-timeout}} How long a stopping node of a cluster serves its
     * pages (new pages go to the other nodes) before it tells them to reload. Keep
     * spring.lifecycle.timeout-per-shutdown-phase above it.
     */
    public Duration getDrainTimeout() {
        return drainTimeout;
    }

    /**
     * Sets {@code pagewire.drain-timeout}; Spring Boot calls this while it binds the properties.
     *
     * @param drainTimeout the new value; see {@link #getDrainTimeout()}
     */
    public void setDrainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    /**
     * {@return the value of {@code pagewire.secret}} HMAC key for page tokens: its UTF-8 bytes, at least 32.
     * Unset: random per start. On a cluster (a Backplane bean) the backplane's shared secret is used instead.
     */
    public String getSecret() {
        return secret;
    }

    /**
     * Sets {@code pagewire.secret}; Spring Boot calls this while it binds the properties.
     *
     * @param secret the new value; see {@link #getSecret()}
     */
    public void setSecret(String secret) {
        this.secret = secret;
    }

    /** {@return the {@code pagewire.servlet.*} properties: the Servlet adapter's own settings} */
    public Servlet getServlet() {
        return servlet;
    }
}
