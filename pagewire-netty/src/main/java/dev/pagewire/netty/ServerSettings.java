package dev.pagewire.netty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Network settings of the embedded server. Immutable; build with {@link #builder()}. Page and
 * channel limits live in {@link dev.pagewire.Settings}; these bound the HTTP side.
 *
 * @param host the address to listen on. Default {@code "0.0.0.0"} (every interface).
 * @param port the port; {@code 0} picks a free one. Default 8080.
 * @param ioThreads Netty I/O threads; {@code 0} means Netty's default (twice the cores).
 * @param maxRequestBytes largest HTTP request body. Default 1 MiB.
 * @param maxHeaderBytes largest HTTP header block. Default 16 KiB.
 * @param httpIdleTimeout how long an idle HTTP (not WebSocket) connection is kept. Default 60 s.
 * @param requestHeadTimeout how long a client may take to send a request's head, from its first
 *     byte to the blank line that ends the headers. Default 10 s. Past it the client gets {@code
 *     408 Request Timeout} and the connection is closed, so that a client sending a byte now and
 *     then (each of which restarts {@code httpIdleTimeout}) cannot hold a connection for ever.
 * @param requestBodyTimeout how long a client may take to send a request's body, from the end of
 *     its head to the last byte. Default 30 s; past it, {@code 408} and close as above. Neither
 *     deadline bounds the time between requests ({@code httpIdleTimeout} does) nor the time a
 *     response takes (an SSE stream, a long poll), nor a WebSocket once it is open.
 * @param webSocket whether page channels may use WebSocket. Default {@code true}; {@code false}
 *     refuses every upgrade with {@code 403}, as a strict firewall would, so clients use the
 *     SSE or long-polling fallbacks (for tests and for networks known to break WebSockets).
 * @param tlsCertificate PEM file with the server's certificate chain (leaf first), or {@code null}
 *     for plain HTTP. Default {@code null}. Set together with {@code tlsPrivateKey}. Read once, at
 *     start; TLS 1.2 and 1.3; HTTP/2 and HTTP/1.1 as {@code http2} says. For trying it locally,
 *     see {@link DevCertificate}.
 * @param tlsPrivateKey PEM file with the certificate's private key (unencrypted PKCS#8), or
 *     {@code null}. Default {@code null}.
 * @param maxConnectionsPerAddress most TCP connections open at once from one public address (an
 *     IPv6 address counts by its /64, the block one host is given). Default 1024, far above what a
 *     browser opens (a few HTTP connections and one WebSocket per tab), so that one host cannot
 *     take all of the server's file descriptors. Over it a new connection is closed at once,
 *     before it is read, and one line a minute at most is logged. Raise it when many users share
 *     one address (a large office's NAT); {@code 0} means no limit.
 * @param maxConnectionsPerPrivateAddress the same for loopback, private (RFC 1918, fc00::/7) and
 *     link-local addresses, where reverse proxies and load balancers sit and carry every user's
 *     connections. Default {@code 0}, no limit, so that a stock proxy in front works as found.
 * @param http2 whether a TLS connection may speak HTTP/2: the server offers {@code h2} and then
 *     {@code http/1.1} by ALPN, and each client takes the first it knows. Default {@code true}.
 *     Over HTTP/2 a page's requests share one connection, so that its SSE and long-polling
 *     fallbacks are no longer held to a browser's six connections per origin. WebSockets always
 *     open on an HTTP/1.1 connection of their own (the server does not offer RFC 8441's WebSocket
 *     over HTTP/2). No effect on plain HTTP: cleartext HTTP/2 ({@code h2c}) is never offered.
 *     {@code false} keeps every connection on HTTP/1.1.
 * @param maxConcurrentStreams most requests one HTTP/2 connection may have in progress at once
 *     (SETTINGS_MAX_CONCURRENT_STREAMS): an open SSE stream or long poll counts until it ends.
 *     Default 100 (what RFC 9113 recommends as the least); a client wanting more waits for a
 *     stream to end or opens another connection. Each stream's response is bounded like an
 *     HTTP/1.1 connection's, so this bounds one connection's share of the server.
 * @param metricsPath the path a {@code GET} of which is answered with {@code metricsScrape}, such as
 *     {@code "/metrics"}, or {@code null} for none. Default {@code null}. Set with {@link
 *     Builder#prometheus}. Answered to anyone who can reach the port: keep the port off the public
 *     Internet, or filter the path in the proxy in front (docs/OPERATIONS.md).
 * @param metricsScrape what a scrape answers, Prometheus's text format; called on a virtual thread
 *     for each scrape. {@code null} exactly when {@code metricsPath} is.
 */
public record ServerSettings(
        String host,
        int port,
        int ioThreads,
        int maxRequestBytes,
        int maxHeaderBytes,
        Duration httpIdleTimeout,
        Duration requestHeadTimeout,
        Duration requestBodyTimeout,
        boolean webSocket,
        Path tlsCertificate,
        Path tlsPrivateKey,
        int maxConnectionsPerAddress,
        int maxConnectionsPerPrivateAddress,
        boolean http2,
        int maxConcurrentStreams,
        String metricsPath,
        Supplier<String> metricsScrape) {

    /**
     * Checks every setting.
     *
     * @throws IllegalArgumentException naming the setting that is out of range, or a TLS file that is
     *     not a readable file
     */
    public ServerSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
        }
        if (ioThreads < 0) {
            throw new IllegalArgumentException("ioThreads must be 0 or more, got " + ioThreads);
        }
        if (maxRequestBytes <= 0 || maxHeaderBytes <= 0) {
            throw new IllegalArgumentException("maxRequestBytes and maxHeaderBytes must be positive");
        }
        if (httpIdleTimeout == null || httpIdleTimeout.isNegative() || httpIdleTimeout.isZero()) {
            throw new IllegalArgumentException("httpIdleTimeout must be positive, got " + httpIdleTimeout);
        }
        if (requestHeadTimeout == null || requestHeadTimeout.isNegative() || requestHeadTimeout.isZero()) {
            throw new IllegalArgumentException("requestHeadTimeout must be positive, got " + requestHeadTimeout);
        }
        if (requestBodyTimeout == null || requestBodyTimeout.isNegative() || requestBodyTimeout.isZero()) {
            throw new IllegalArgumentException("requestBodyTimeout must be positive, got " + requestBodyTimeout);
        }
        if ((tlsCertificate == null) != (tlsPrivateKey == null)) {
            throw new IllegalArgumentException(
                    "tlsCertificate and tlsPrivateKey go together: set both for HTTPS, or neither");
        }
        requireReadable("tlsCertificate", tlsCertificate);
        requireReadable("tlsPrivateKey", tlsPrivateKey);
        if (maxConnectionsPerAddress < 0 || maxConnectionsPerPrivateAddress < 0) {
            throw new IllegalArgumentException("maxConnectionsPerAddress and maxConnectionsPerPrivateAddress must be"
                    + " 0 (no limit) or more, got " + maxConnectionsPerAddress + " and "
                    + maxConnectionsPerPrivateAddress);
        }
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("maxConcurrentStreams must be 1 or more, got " + maxConcurrentStreams);
        }
        if ((metricsPath == null) != (metricsScrape == null)) {
            throw new IllegalArgumentException("metricsPath and metricsScrape go together: set both, or neither");
        }
        if (metricsPath != null
                && (!metricsPath.startsWith("/")
                        || metricsPath.contains("?")
                        || metricsPath.startsWith("/_pagewire/"))) {
            throw new IllegalArgumentException(
                    "metricsPath must be an absolute path without a query, outside /_pagewire/, got " + metricsPath);
        }
    }

    private static void requireReadable(String setting, Path file) {
        if (file != null && !(Files.isRegularFile(file) && Files.isReadable(file))) {
            throw new IllegalArgumentException(setting + " is not a readable file: " + file.toAbsolutePath());
        }
    }

    /** {@return whether the server speaks TLS (HTTPS and WSS)} */
    public boolean tls() {
        return tlsCertificate != null;
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ServerSettings}. Not thread-safe. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private int ioThreads;
        private int maxRequestBytes = 1024 * 1024;
        private int maxHeaderBytes = 16 * 1024;
        private Duration httpIdleTimeout = Duration.ofSeconds(60);
        private Duration requestHeadTimeout = Duration.ofSeconds(10);
        private Duration requestBodyTimeout = Duration.ofSeconds(30);
        private boolean webSocket = true;
        private Path tlsCertificate;
        private Path tlsPrivateKey;
        private int maxConnectionsPerAddress = 1024;
        private int maxConnectionsPerPrivateAddress;
        private boolean http2 = true;
        private int maxConcurrentStreams = 100;
        private String metricsPath;
        private Supplier<String> metricsScrape;

        private Builder() {}

        /**
         * Sets {@link ServerSettings#host()}; {@link #build()} checks the value.
         *
         * @param host the address to listen on, such as {@code "127.0.0.1"}
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * Sets {@link ServerSettings#port()}; {@link #build()} checks the value.
         *
         * @param port the port, 0 to 65535; {@code 0} picks a free one
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Sets {@link ServerSettings#ioThreads()}; {@link #build()} checks the value.
         *
         * @param threads how many Netty I/O threads; {@code 0} for Netty's default
         * @return this builder
         */
        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        /**
         * Sets {@link ServerSettings#maxRequestBytes()}; {@link #build()} checks the value.
         *
         * @param bytes the largest request body, in bytes; positive
         * @return this builder
         */
        public Builder maxRequestBytes(int bytes) {
            this.maxRequestBytes = bytes;
            return this;
        }

        /**
         * Sets {@link ServerSettings#maxHeaderBytes()}; {@link #build()} checks the value.
         *
         * @param bytes the largest request head, in bytes; positive
         * @return this builder
         */
        public Builder maxHeaderBytes(int bytes) {
            this.maxHeaderBytes = bytes;
            return this;
        }

        /**
         * Sets {@link ServerSettings#httpIdleTimeout()}; {@link #build()} checks the value.
         *
         * @param timeout how long an idle HTTP connection is kept; positive
         * @return this builder
         */
        public Builder httpIdleTimeout(Duration timeout) {
            this.httpIdleTimeout = timeout;
            return this;
        }

        /**
         * Sets {@link ServerSettings#requestHeadTimeout()}; {@link #build()} checks the value.
         *
         * @param timeout how long a client may take to send a request's head; positive
         * @return this builder
         */
        public Builder requestHeadTimeout(Duration timeout) {
            this.requestHeadTimeout = timeout;
            return this;
        }

        /**
         * Sets {@link ServerSettings#requestBodyTimeout()}; {@link #build()} checks the value.
         *
         * @param timeout how long a client may take to send a request's body; positive
         * @return this builder
         */
        public Builder requestBodyTimeout(Duration timeout) {
            this.requestBodyTimeout = timeout;
            return this;
        }

        /**
         * Sets {@link ServerSettings#webSocket()}; {@link #build()} checks the value.
         *
         * @param enabled {@code false} to refuse every WebSocket upgrade
         * @return this builder
         */
        public Builder webSocket(boolean enabled) {
            this.webSocket = enabled;
            return this;
        }

        /**
         * Serves HTTPS and WSS with this certificate chain and private key, both PEM files.
         * See {@link ServerSettings#tlsCertificate()}.
         *
         * @param certificateChain the PEM file with the certificate chain, leaf first
         * @param privateKey the PEM file with the certificate's unencrypted PKCS#8 private key
         * @return this builder
         */
        public Builder tls(Path certificateChain, Path privateKey) {
            this.tlsCertificate = certificateChain;
            this.tlsPrivateKey = privateKey;
            return this;
        }

        /**
         * Sets {@link ServerSettings#maxConnectionsPerAddress()}; {@link #build()} checks the value.
         *
         * @param connections how many TCP connections one public address may have open; {@code 0} for no limit
         * @return this builder
         */
        public Builder maxConnectionsPerAddress(int connections) {
            this.maxConnectionsPerAddress = connections;
            return this;
        }

        /**
         * Sets {@link ServerSettings#maxConnectionsPerPrivateAddress()}; {@link #build()} checks the value.
         *
         * @param connections how many TCP connections one private or loopback address may have open;
         *     {@code 0} for no limit
         * @return this builder
         */
        public Builder maxConnectionsPerPrivateAddress(int connections) {
            this.maxConnectionsPerPrivateAddress = connections;
            return this;
        }

        /**
         * Sets {@link ServerSettings#http2()}; {@link #build()} checks the value.
         *
         * @param enabled {@code false} to keep every TLS connection on HTTP/1.1
         * @return this builder
         */
        public Builder http2(boolean enabled) {
            this.http2 = enabled;
            return this;
        }

        /**
         * Sets {@link ServerSettings#maxConcurrentStreams()}; {@link #build()} checks the value.
         *
         * @param streams how many requests one HTTP/2 connection may have in progress; at least 1
         * @return this builder
         */
        public Builder maxConcurrentStreams(int streams) {
            this.maxConcurrentStreams = streams;
            return this;
        }

        /**
         * Serves {@code registry}'s scrape at {@code path} (e.g. {@code "/metrics"}), for Prometheus to
         * pull; bind the application's meters to the same registry ({@code
         * dev.pagewire.metrics.PagewireMetrics}). Needs {@code io.micrometer:micrometer-registry-prometheus}
         * on the class path, which only this method uses. See {@link ServerSettings#metricsPath()}.
         *
         * @param registry the registry whose scrape is served
         * @param path where it is served, e.g. {@code "/metrics"}
         * @return this builder
         */
        public Builder prometheus(io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry, String path) {
            java.util.Objects.requireNonNull(registry, "registry");
            return metrics(path, registry::scrape);
        }

        /**
         * Serves {@code scrape}'s text at {@code path}: for a registry other than {@link #prometheus}'s.
         * See {@link ServerSettings#metricsPath()}.
         *
         * @param path where it is served, e.g. {@code "/metrics"}
         * @param scrape the text of one scrape, asked for on every request
         * @return this builder
         */
        public Builder metrics(String path, Supplier<String> scrape) {
            this.metricsPath = path;
            this.metricsScrape = scrape;
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the setting that is out of range
         */
        public ServerSettings build() {
            return new ServerSettings(
                    host,
                    port,
                    ioThreads,
                    maxRequestBytes,
                    maxHeaderBytes,
                    httpIdleTimeout,
                    requestHeadTimeout,
                    requestBodyTimeout,
                    webSocket,
                    tlsCertificate,
                    tlsPrivateKey,
                    maxConnectionsPerAddress,
                    maxConnectionsPerPrivateAddress,
                    http2,
                    maxConcurrentStreams,
                    metricsPath,
                    metricsScrape);
        }
    }
}
