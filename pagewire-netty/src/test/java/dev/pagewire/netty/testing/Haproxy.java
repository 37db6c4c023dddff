package dev.pagewire.netty.testing;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A real HAProxy load balancer on loopback in front of one backend, in {@code mode http}, with
 * idle timeouts a test chooses: the intermediary that proves heartbeats keep quiet channels alive
 * and that a dropped connection is resumed.
 *
 * <pre>{@code
 * try (Haproxy haproxy = Haproxy.start(backend, Haproxy.Timeouts.of(Duration.ofSeconds(2)))) {
 *   page.navigate(haproxy.uri().resolve("/chat").toString());
 * }
 * }</pre>
 *
 * <p>HAProxy passes WebSocket upgrades natively in HTTP mode; once upgraded, the connection is a
 * tunnel governed by {@link Timeouts#tunnel()}. It logs every request to its standard error,
 * which lands in {@link #output()}. The {@code Host} header passes unchanged.
 *
 * <p>The executable is {@code /usr/sbin/haproxy} (Debian package {@code haproxy}) or {@code
 * $PAGEWIRE_HAPROXY}; when it is missing the test is skipped, or fails on CI. See {@link
 * LoopbackProcess} for starting, stopping and threads.
 */
public final class Haproxy implements AutoCloseable {

    /** Where the Debian package {@code haproxy} installs the executable. */
    public static final Path DEFAULT_EXECUTABLE = Path.of("/usr/sbin/haproxy");

    /** {@code timeout connect}: the backend is on loopback, so a connection that lags is dead. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    /**
     * HAProxy's idle timeouts. Each is how long one side may stay silent before HAProxy closes
     * the connection.
     *
     * @param client {@code timeout client}: the browser sends nothing (no request yet, an idle
     *     keep-alive connection, or nothing while a response is pending)
     * @param server {@code timeout server}: the backend sends nothing while a response is due, as
     *     in a long poll or a quiet event stream
     * @param tunnel {@code timeout tunnel}: neither side sends anything on an upgraded (WebSocket)
     *     connection; replaces the other two there
     */
    public record Timeouts(Duration client, Duration server, Duration tunnel) {

        /** Defaults like a production configuration: a minute for requests, an hour for tunnels. */
        public static final Timeouts DEFAULT =
                new Timeouts(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofHours(1));

        public Timeouts {
            for (Duration timeout : List.of(client, server, tunnel)) {
                if (timeout.toMillis() <= 0) {
                    throw new IllegalArgumentException("timeouts must be at least 1 ms: " + timeout);
                }
            }
        }

        /** The same timeout for client, server and tunnel, e.g. 2 s to prove heartbeats work. */
        public static Timeouts of(Duration all) {
            return new Timeouts(all, all, all);
        }
    }

    private final Timeouts timeouts;
    private final LoopbackProcess process;

    private Haproxy(Timeouts timeouts, LoopbackProcess process) {
        this.timeouts = timeouts;
        this.process = process;
    }

    /** Starts HAProxy in front of {@code backend} with {@link Timeouts#DEFAULT}. */
    public static Haproxy start(InetSocketAddress backend) {
        return start(backend, Timeouts.DEFAULT);
    }

    /**
     * Starts HAProxy in the foreground ({@code -db}) in front of {@code backend} and waits until
     * it listens.
     *
     * @param backend where the application listens, normally on 127.0.0.1
     * @throws org.opentest4j.TestAbortedException if haproxy is missing and not on CI
     * @throws org.opentest4j.AssertionFailedError if haproxy is missing on CI or does not start
     */
    public static Haproxy start(InetSocketAddress backend, Timeouts timeouts) {
        return start(List.of(backend), timeouts);
    }

    /**
     * Starts HAProxy in front of several backends, balanced round-robin with no stickiness of any
     * kind (no cookie, no source hashing): each request, and each WebSocket, goes to the next
     * backend, as an ordinary load balancer in front of a cluster does.
     *
     * @throws org.opentest4j.TestAbortedException if haproxy is missing and not on CI
     * @throws org.opentest4j.AssertionFailedError if haproxy is missing on CI or does not start
     */
    public static Haproxy start(List<InetSocketAddress> backends, Timeouts timeouts) {
        Objects.requireNonNull(timeouts, "timeouts");
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("no backend");
        }
        List<String> servers = backends.stream()
                .map(b -> b.getHostString() + ":" + b.getPort())
                .toList();
        Path executable = LoopbackProcess.executable("PAGEWIRE_HAPROXY", DEFAULT_EXECUTABLE);
        return new Haproxy(timeouts, LoopbackProcess.start("haproxy", executable, "haproxy", List.of(), (dir, port) -> {
            Path config = dir.resolve("haproxy.cfg");
            Files.writeString(config, config(port, servers, timeouts));
            return List.of(executable.toString(), "-db", "-f", config.toString());
        }));
    }

    static String config(int port, String backend, Timeouts timeouts) {
        return config(port, List.of(backend), timeouts);
    }

    static String config(int port, List<String> backends, Timeouts timeouts) {
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < backends.size(); i++) {
            servers.append("  server application")
                    .append(i == 0 ? "" : String.valueOf(i + 1))
                    .append(' ')
                    .append(backends.get(i))
                    .append('\n');
        }
        return """
            # Written by dev.pagewire.netty.testing.Haproxy.
            global
              log stderr format raw local0 info

            defaults
              mode http
              log global
              option httplog
              # The start-up check that haproxy listens opens a connection and sends nothing.
              option dontlognull
              timeout connect %dms
              timeout client %dms
              timeout server %dms
              timeout tunnel %dms

            frontend proxy
              bind %s:%d
              default_backend application

            backend application
              balance roundrobin
              # A backend that refuses connections (a killed node) is skipped: the request is retried
              # on the next server, as a production configuration with health checks does.
              retries 3
              option redispatch 1
            %s\
            """.formatted(
                        CONNECT_TIMEOUT.toMillis(),
                        timeouts.client().toMillis(),
                        timeouts.server().toMillis(),
                        timeouts.tunnel().toMillis(),
                        FreePorts.LOOPBACK,
                        port,
                        servers);
    }

    /** The timeouts HAProxy was started with. */
    public Timeouts timeouts() {
        return timeouts;
    }

    /** The loopback port HAProxy listens on. */
    public int port() {
        return process.port();
    }

    /** The proxy's base URL, {@code http://127.0.0.1:<port>/}. */
    public URI uri() {
        return URI.create("http://" + FreePorts.LOOPBACK + ":" + port() + "/");
    }

    /** HAProxy's standard output and error: warnings, and one log line per request. */
    public Path output() {
        return process.output();
    }

    /** The generated {@code haproxy.cfg}. */
    public Path config() {
        return process.dir().resolve("haproxy.cfg");
    }

    /** Stops HAProxy and deletes its directory. Idempotent. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "haproxy on " + uri() + " with " + timeouts;
    }
}
