package dev.pagewire.netty;

import java.time.Duration;

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
 */
public record ServerSettings(
        String host,
        int port,
        int ioThreads,
        int maxRequestBytes,
        int maxHeaderBytes,
        Duration httpIdleTimeout) {

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
    }

    /** A builder starting from the defaults. */
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

        private Builder() {}

        /** See {@link ServerSettings#host()}. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** See {@link ServerSettings#port()}. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** See {@link ServerSettings#ioThreads()}. */
        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        /** See {@link ServerSettings#maxRequestBytes()}. */
        public Builder maxRequestBytes(int bytes) {
            this.maxRequestBytes = bytes;
            return this;
        }

        /** See {@link ServerSettings#maxHeaderBytes()}. */
        public Builder maxHeaderBytes(int bytes) {
            this.maxHeaderBytes = bytes;
            return this;
        }

        /** See {@link ServerSettings#httpIdleTimeout()}. */
        public Builder httpIdleTimeout(Duration timeout) {
            this.httpIdleTimeout = timeout;
            return this;
        }

        public ServerSettings build() {
            return new ServerSettings(host, port, ioThreads, maxRequestBytes, maxHeaderBytes, httpIdleTimeout);
        }
    }
}
