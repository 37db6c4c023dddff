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

    /** The {@code pagewire.servlet.*} properties. */
    public static class Servlet {

        /** Largest body of a Pagewire request (a fallback POST, an endpoint open); larger ones are answered 413. */
        private DataSize maxRequestBytes = DataSize.ofMegabytes(1);

        public DataSize getMaxRequestBytes() {
            return maxRequestBytes;
        }

        public void setMaxRequestBytes(DataSize maxRequestBytes) {
            this.maxRequestBytes = maxRequestBytes;
        }
    }

    /**
     * Sets every property on {@code builder}, for an application that makes its own {@code Pagewire}
     * bean and still wants {@code pagewire.*}: {@code Pagewire.create(s -> { properties.applyTo(s); … })}.
     *
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

    /** The Servlet adapter's settings from {@code pagewire.servlet.*}. */
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

    public DataSize getMaxMessageBytes() {
        return maxMessageBytes;
    }

    public void setMaxMessageBytes(DataSize maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    public int getMaxJsonDepth() {
        return maxJsonDepth;
    }

    public void setMaxJsonDepth(int maxJsonDepth) {
        this.maxJsonDepth = maxJsonDepth;
    }

    public int getMaxQueuedEvents() {
        return maxQueuedEvents;
    }

    public void setMaxQueuedEvents(int maxQueuedEvents) {
        this.maxQueuedEvents = maxQueuedEvents;
    }

    public DataSize getMaxOutboundBytes() {
        return maxOutboundBytes;
    }

    public void setMaxOutboundBytes(DataSize maxOutboundBytes) {
        this.maxOutboundBytes = maxOutboundBytes;
    }

    public int getMaxReplayFrames() {
        return maxReplayFrames;
    }

    public void setMaxReplayFrames(int maxReplayFrames) {
        this.maxReplayFrames = maxReplayFrames;
    }

    public DataSize getMaxReplayBytes() {
        return maxReplayBytes;
    }

    public void setMaxReplayBytes(DataSize maxReplayBytes) {
        this.maxReplayBytes = maxReplayBytes;
    }

    public Duration getCallTimeout() {
        return callTimeout;
    }

    public void setCallTimeout(Duration callTimeout) {
        this.callTimeout = callTimeout;
    }

    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public Duration getCloseGracePeriod() {
        return closeGracePeriod;
    }

    public void setCloseGracePeriod(Duration closeGracePeriod) {
        this.closeGracePeriod = closeGracePeriod;
    }

    public Duration getTokenTtl() {
        return tokenTtl;
    }

    public void setTokenTtl(Duration tokenTtl) {
        this.tokenTtl = tokenTtl;
    }

    public Duration getPollTimeout() {
        return pollTimeout;
    }

    public void setPollTimeout(Duration pollTimeout) {
        this.pollTimeout = pollTimeout;
    }

    public List<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    public boolean isAllowCredentials() {
        return allowCredentials;
    }

    public void setAllowCredentials(boolean allowCredentials) {
        this.allowCredentials = allowCredentials;
    }

    public int getMaxChannels() {
        return maxChannels;
    }

    public void setMaxChannels(int maxChannels) {
        this.maxChannels = maxChannels;
    }

    public boolean isCompression() {
        return compression;
    }

    public void setCompression(boolean compression) {
        this.compression = compression;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getUpgradeAfter() {
        return upgradeAfter;
    }

    public void setUpgradeAfter(Duration upgradeAfter) {
        this.upgradeAfter = upgradeAfter;
    }

    public boolean isReloadOnExpired() {
        return reloadOnExpired;
    }

    public void setReloadOnExpired(boolean reloadOnExpired) {
        this.reloadOnExpired = reloadOnExpired;
    }

    public int getTopicHistory() {
        return topicHistory;
    }

    public void setTopicHistory(int topicHistory) {
        this.topicHistory = topicHistory;
    }

    public Duration getDrainTimeout() {
        return drainTimeout;
    }

    public void setDrainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    public String getSecret() {
        return secret;
    }

    public void setSecret(String secret) {
        this.secret = secret;
    }

    public Servlet getServlet() {
        return servlet;
    }
}
