package dev.pagewire.gateway;

import dev.pagewire.Settings;
import dev.pagewire.netty.ServerSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a gateway does (docs/GATEWAY.md). Immutable; build with {@link #builder(URI, String)}.
 *
 * @param backend the backend's origin, e.g. {@code http://127.0.0.1:8000} (a path prefix is allowed:
 *     every forwarded target is appended to it). Required.
 * @param secret the secret shared with the backend: webhooks are signed with it, publish API requests
 *     must be. At least 32 characters. Required.
 * @param webhook where the events of every page go unless its render names another
 *     ({@code Pagewire-Webhook}); {@code null}: each page's own URL. Default {@code null}.
 * @param endpoints endpoint paths that pages of other origins may open channels to (pages of this
 *     origin need none). Default none.
 * @param apiUrl the publish API's URL as the backend must call it, sent in {@code Pagewire-Api};
 *     {@code null}: {@code http://127.0.0.1:PORT/_pagewire/api} (or the listening host if it is not
 *     a wildcard). Default {@code null}.
 * @param redisUri a Redis to join other gateways on, e.g. {@code redis://127.0.0.1:6379}; {@code null}
 *     runs alone. Default {@code null}.
 * @param maxHtmlScanBytes how far into an HTML answer the gateway looks for the place of the client
 *     script before it puts it first. Default 64 KiB.
 * @param webhookTimeout one webhook attempt. Default 10 s.
 * @param webhookRetries retries of a failed webhook after the first attempt (after 0.5 s, 1 s, 2 s…).
 *     Default 3.
 * @param backendTimeout how long the backend may take to start answering a forwarded request
 *     ({@code 504} after). Default 60 s.
 * @param maxContextBytes largest page context ({@code Pagewire-Context}), in UTF-8 bytes. Default 4096.
 * @param app changes to the application's settings (limits, origins, grace periods); the gateway
 *     turns on {@code reloadOnExpired} first. Default none.
 * @param server changes to the embedded server's settings (TLS, limits); host and port come from it.
 *     Default: port 8080 on every interface, request bodies streamed for up to 10 minutes.
 */
public record GatewaySettings(
        URI backend,
        String secret,
        URI webhook,
        List<String> endpoints,
        URI apiUrl,
        String redisUri,
        int maxHtmlScanBytes,
        Duration webhookTimeout,
        int webhookRetries,
        Duration backendTimeout,
        int maxContextBytes,
        Consumer<Settings.Builder> app,
        Consumer<ServerSettings.Builder> server) {

    /** Shortest secret accepted, in characters. */
    public static final int MIN_SECRET_LENGTH = 32;

    /**
     * Checks every setting.
     *
     * @throws IllegalArgumentException naming the setting that is out of range
     * @throws NullPointerException if {@code backend}, {@code app} or {@code server} is {@code null}
     */
    public GatewaySettings {
        Objects.requireNonNull(backend, "backend");
        if (!"http".equals(backend.getScheme()) || backend.getHost() == null) {
            throw new IllegalArgumentException("the backend must be an http:// URL with a host, got " + backend);
        }
        if (backend.getRawQuery() != null || backend.getRawFragment() != null) {
            throw new IllegalArgumentException("the backend URL must have no query or fragment, got " + backend);
        }
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("the secret must be at least " + MIN_SECRET_LENGTH
                    + " characters (e.g. openssl rand -hex 32), got "
                    + (secret == null ? "none" : secret.length()));
        }
        endpoints = List.copyOf(endpoints);
        for (String e : endpoints) {
            if (!e.startsWith("/")) {
                throw new IllegalArgumentException("an endpoint is a path starting with /, got " + e);
            }
        }
        if (maxHtmlScanBytes < 1024) {
            throw new IllegalArgumentException("maxHtmlScanBytes must be at least 1024, got " + maxHtmlScanBytes);
        }
        positive(webhookTimeout, "webhookTimeout");
        positive(backendTimeout, "backendTimeout");
        if (webhookRetries < 0 || webhookRetries > 10) {
            throw new IllegalArgumentException("webhookRetries must be 0 to 10, got " + webhookRetries);
        }
        if (maxContextBytes < 0 || maxContextBytes > 65536) {
            throw new IllegalArgumentException("maxContextBytes must be 0 to 65536, got " + maxContextBytes);
        }
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(server, "server");
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }

    /** {@return the secret's bytes in UTF-8, the HMAC key of webhooks and publish API requests} */
    public byte[] secretBytes() {
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@return a builder of settings for {@code backend} and {@code secret}, everything else at its
     * default}
     *
     * @param backend the backend's origin, e.g. {@code http://127.0.0.1:8000}
     * @param secret the secret shared with the backend, at least {@value #MIN_SECRET_LENGTH}
     *     characters
     */
    public static Builder builder(URI backend, String secret) {
        return new Builder(backend, secret);
    }

    @Override
    public String toString() {
        return "GatewaySettings[backend=" + backend + ", webhook=" + webhook + ", endpoints=" + endpoints + ", apiUrl="
                + apiUrl + ", redisUri=" + redisUri + ", secret=(" + secret.length() + " characters)]";
    }

    /** Builds {@link GatewaySettings}; each setter's default is on the record's component. */
    public static final class Builder {
        private final URI backend;
        private final String secret;
        private URI webhook;
        private final List<String> endpoints = new ArrayList<>();
        private URI apiUrl;
        private String redisUri;
        private int maxHtmlScanBytes = 64 * 1024;
        private Duration webhookTimeout = Duration.ofSeconds(10);
        private int webhookRetries = 3;
        private Duration backendTimeout = Duration.ofSeconds(60);
        private int maxContextBytes = 4096;
        private Consumer<Settings.Builder> app = s -> {};
        private Consumer<ServerSettings.Builder> server = s -> {};

        private Builder(URI backend, String secret) {
            this.backend = backend;
            this.secret = secret;
        }

        /**
         * Sets {@link GatewaySettings#webhook()}.
         *
         * @param url where every page's events go, or {@code null} for each page's own URL
         * @return this builder
         */
        public Builder webhook(URI url) {
            this.webhook = url;
            return this;
        }

        /**
         * Adds a path to {@link GatewaySettings#endpoints()}.
         *
         * @param path an endpoint path, starting with {@code /}, that pages of other origins may open
         * @return this builder
         */
        public Builder endpoint(String path) {
            endpoints.add(path);
            return this;
        }

        /**
         * Sets {@link GatewaySettings#apiUrl()}.
         *
         * @param url the publish API's URL as the backend must call it, or {@code null} for the default
         * @return this builder
         */
        public Builder apiUrl(URI url) {
            this.apiUrl = url;
            return this;
        }

        /**
         * Sets {@link GatewaySettings#redisUri()}.
         *
         * @param uri the Redis to join other gateways on, or {@code null} to run alone
         * @return this builder
         */
        public Builder redis(String uri) {
            this.redisUri = uri;
            return this;
        }

        /**
         * Sets {@link GatewaySettings#maxHtmlScanBytes()}.
         *
         * @param bytes how far into an HTML answer to look for the client script's place; at least 1024
         * @return this builder
         */
        public Builder maxHtmlScanBytes(int bytes) {
            this.maxHtmlScanBytes = bytes;
            return this;
        }

        /**
         * Sets {@link GatewaySettings#webhookTimeout()}.
         *
         * @param timeout how long one webhook attempt may take; positive
         * @return this builder
         */
        public Builder webhookTimeout(Duration timeout) {
            this.webhookTimeout = timeout;
            return this;
        }

        /**
         * Sets {@link GatewaySettings#webhookRetries()}.
         *
         * @param retries how many times a failed webhook is tried again; 0 to 10
         * @return this builder
         */
        public Builder webhookRetries(int retries) {
            this.webhookRetries = retries;
            return this;
        }

        /**
         * Sets {@link GatewaySettings#backendTimeout()}.
         *
         * @param timeout how long the backend may take to start answering; positive
         * @return this builder
         */
        public Builder backendTimeout(Duration timeout) {
            this.backendTimeout = timeout;
            return this;
        }

        /**
         * Sets {@link GatewaySettings#maxContextBytes()}.
         *
         * @param bytes the largest page context, in UTF-8 bytes; 0 to 65536
         * @return this builder
         */
        public Builder maxContextBytes(int bytes) {
            this.maxContextBytes = bytes;
            return this;
        }

        /**
         * Adds changes to the application's settings, applied after the gateway's own and after
         * earlier calls.
         *
         * @param config changes the application's settings builder
         * @return this builder
         */
        public Builder app(Consumer<Settings.Builder> config) {
            this.app = this.app.andThen(config);
            return this;
        }

        /**
         * Adds changes to the embedded server's settings (host, port, TLS, limits), applied after
         * earlier calls.
         *
         * @param config changes the server's settings builder
         * @return this builder
         */
        public Builder server(Consumer<ServerSettings.Builder> config) {
            this.server = this.server.andThen(config);
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the setting that is out of range
         */
        public GatewaySettings build() {
            return new GatewaySettings(
                    backend,
                    secret,
                    webhook,
                    endpoints,
                    apiUrl,
                    redisUri,
                    maxHtmlScanBytes,
                    webhookTimeout,
                    webhookRetries,
                    backendTimeout,
                    maxContextBytes,
                    app,
                    server);
        }
    }
}
