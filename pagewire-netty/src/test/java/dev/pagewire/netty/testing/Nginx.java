package dev.pagewire.netty.testing;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real nginx reverse proxy on loopback in front of one backend, configured the way a deployment
 * would be in one of three {@linkplain Mode modes}, for end-to-end tests of the transports behind
 * an intermediary:
 *
 * <pre>{@code
 * try (Nginx nginx = Nginx.start(Nginx.Mode.WEBSOCKET, new InetSocketAddress("127.0.0.1", port))) {
 *   page.navigate(nginx.uri().resolve("/chat").toString());
 * }
 * }</pre>
 *
 * <p>Every mode but {@link Mode#BARE} passes the browser's {@code Host} header on unchanged
 * ({@code proxy_set_header Host $http_host}), as documented deployments do, so that a channel is
 * refused or accepted for the reason under test, not because the proxy renamed the host.
 *
 * <p>The executable is {@code /usr/sbin/nginx} (Debian package {@code nginx}) or {@code
 * $PAGEWIRE_NGINX}; when it is missing the test is skipped, or fails on CI. Configuration and
 * logs live in a temporary directory, deleted on {@link #close()}; see {@link LoopbackProcess}
 * for starting, stopping and threads.
 */
public final class Nginx implements AutoCloseable {

    /** Where the Debian package {@code nginx} installs the executable. */
    public static final Path DEFAULT_EXECUTABLE = Path.of("/usr/sbin/nginx");

    /** How nginx is configured in front of the backend. */
    public enum Mode {
        /**
         * The stock {@code location / { proxy_pass http://backend; }}: HTTP/1.0 to the backend and no
         * {@code Upgrade}/{@code Connection} forwarding, so WebSocket handshakes fail (the backend
         * sees a plain GET). nginx's default {@code proxy_buffering on} applies: a streamed response
         * is held back like in {@link #BUFFERING} unless the backend sends {@code
         * X-Accel-Buffering: no}, which this mode honours (or answers the HTTP/1.0 request with
         * chunks, which nginx hands on one by one).
         */
        PLAIN,

        /**
         * nginx as a newcomer configures it, {@code location / { proxy_pass http://backend; }} and
         * nothing more: as {@link #PLAIN}, and {@code Host} is the upstream's name ({@code
         * backend}), not the browser's. Only a browser's {@code Sec-Fetch-Site} tells the backend
         * that a channel request is the page's own.
         */
        BARE,

        /**
         * {@link #BARE}, seen by a browser that sends no {@code Sec-Fetch-Site} (Safari before 16.4,
         * Firefox before 90): nginx drops the header, so nothing tells the backend that a channel
         * request is the page's own, and the same-origin rule refuses it.
         */
        BARE_NO_FETCH_METADATA,

        /**
         * nginx's documented WebSocket proxying: HTTP/1.1 to the backend, {@code Upgrade} forwarded
         * and {@code Connection} set from it by a {@code map}, a one-hour {@code proxy_read_timeout},
         * and {@code proxy_buffering off} so streamed responses pass at once.
         */
        WEBSOCKET,

        /**
         * A proxy that holds streamed responses back: {@code proxy_buffering on}, {@code
         * X-Accel-Buffering} ignored, 64 KiB buffers, so a response that trickles in a few KiB per
         * second (an event stream) reaches the client only when 64 KiB have gathered or it ends,
         * while a complete small response passes at once. WebSocket handshakes fail, as with {@link
         * #PLAIN}.
         *
         * <p>nginx buffers only a response without framing of its own (ended by closing the
         * connection): a chunked response passes chunk by chunk even with buffering on, because
         * nginx hands every complete chunk on. So this mode is two hops in one nginx: the outer,
         * buffering server talks HTTP/1.0 to an inner, non-buffering server (on a Unix socket) which
         * proxies to the backend; the inner one answers HTTP/1.0 without chunks, which the outer one
         * then buffers, whatever framing the backend chose.
         */
        BUFFERING
    }

    private final Mode mode;
    private final LoopbackProcess process;

    private Nginx(Mode mode, LoopbackProcess process) {
        this.mode = mode;
        this.process = process;
    }

    /**
     * Starts nginx proxying every path to {@code backend} and waits until it listens.
     *
     * @param backend where the application listens, normally on 127.0.0.1
     * @throws org.opentest4j.TestAbortedException if nginx is missing and not on CI
     * @throws org.opentest4j.AssertionFailedError if nginx is missing on CI or does not start
     */
    public static Nginx start(Mode mode, InetSocketAddress backend) {
        String upstream = backend.getHostString() + ":" + backend.getPort();
        Path executable = LoopbackProcess.executable("PAGEWIRE_NGINX", DEFAULT_EXECUTABLE);
        LoopbackProcess process =
                LoopbackProcess.start("nginx", executable, "nginx", List.of("error.log"), (dir, port) -> {
                    Path config = dir.resolve("nginx.conf");
                    Files.writeString(config, config(mode, dir, port, upstream));
                    return List.of(
                            executable.toString(),
                            "-p",
                            dir.toString(),
                            "-c",
                            config.toString(),
                            // The log for messages before the configuration is read, else /var/log/nginx.
                            "-e",
                            dir.resolve("error.log").toString(),
                            "-g",
                            "daemon off;");
                });
        return new Nginx(mode, process);
    }

    static String config(Mode mode, Path dir, int port, String backend) {
        String location = switch (mode) {
            case BARE -> """
                    location / {
                      proxy_pass http://backend;
                    }
                """;
            case BARE_NO_FETCH_METADATA -> """
                    location / {
                      proxy_pass http://backend;
                      proxy_set_header Sec-Fetch-Site "";
                    }
                """;
            case PLAIN -> """
                    location / {
                      proxy_pass http://backend;
                      proxy_set_header Host $http_host;
                    }
                """;
            case WEBSOCKET -> """
                    location / {
                      proxy_pass http://backend;
                      proxy_http_version 1.1;
                      proxy_set_header Host $http_host;
                      proxy_set_header Upgrade $http_upgrade;
                      proxy_set_header Connection $connection_upgrade;
                      proxy_read_timeout 1h;
                      proxy_send_timeout 1h;
                      proxy_buffering off;
                    }
                """;
            case BUFFERING -> """
                    location / {
                      proxy_pass http://inner;
                      proxy_set_header Host $http_host;
                      proxy_buffering on;
                      proxy_ignore_headers X-Accel-Buffering;
                      proxy_buffer_size 64k;
                      proxy_buffers 8 64k;
                      proxy_busy_buffers_size 128k;
                    }
                  }

                  # Turns any framing the backend uses into an HTTP/1.0 body ended by closing the
                  # connection, the kind the outer server above holds back (see Nginx.Mode.BUFFERING).
                  upstream inner { server unix:%s; }
                  server {
                    listen unix:%s;
                    location / {
                      proxy_pass http://backend;
                      proxy_http_version 1.1;
                      proxy_set_header Host $http_host;
                      proxy_set_header Connection "";
                      proxy_buffering off;
                      proxy_ignore_headers X-Accel-Buffering;
                    }
                """.formatted(dir.resolve("inner.sock"), dir.resolve("inner.sock"));
        };
        return """
            # Written by dev.pagewire.netty.testing.Nginx, mode %s.
            %s
            worker_processes 1;
            error_log %s info;
            pid %s;
            events { worker_connections 512; }
            http {
              access_log %s;
              client_body_temp_path %s;
              proxy_temp_path %s;
              fastcgi_temp_path %s;
              uwsgi_temp_path %s;
              scgi_temp_path %s;
              map $http_upgrade $connection_upgrade { default upgrade; '' close; }
              upstream backend { server %s; }
              server {
                listen %s:%d;
            %s  }
            }
            """.formatted(
                        mode,
                        // Workers would run as nobody, who cannot enter the test's private directory.
                        LoopbackProcess.runningAsRoot() ? "user root;" : "",
                        dir.resolve("error.log"),
                        dir.resolve("nginx.pid"),
                        dir.resolve("access.log"),
                        dir.resolve("client_body_temp"),
                        dir.resolve("proxy_temp"),
                        dir.resolve("fastcgi_temp"),
                        dir.resolve("uwsgi_temp"),
                        dir.resolve("scgi_temp"),
                        backend,
                        FreePorts.LOOPBACK,
                        port,
                        location);
    }

    /** The mode nginx was started in. */
    public Mode mode() {
        return mode;
    }

    /** The loopback port nginx listens on. */
    public int port() {
        return process.port();
    }

    /** The proxy's base URL, {@code http://127.0.0.1:<port>/}. */
    public URI uri() {
        return URI.create("http://" + FreePorts.LOOPBACK + ":" + port() + "/");
    }

    /** nginx's access log: one line per request, written when the response is complete. */
    public Path accessLog() {
        return process.dir().resolve("access.log");
    }

    /** nginx's error log, at level {@code info}: failed upstream connections, upgrades, aborts. */
    public Path errorLog() {
        return process.dir().resolve("error.log");
    }

    /** The generated {@code nginx.conf}, to read when a test behaves unexpectedly. */
    public Path config() {
        return process.dir().resolve("nginx.conf");
    }

    /** Stops nginx and its workers and deletes its directory. Idempotent. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "nginx " + mode + " on " + uri();
    }
}
