package dev.pagewire.gateway;

import dev.pagewire.netty.testing.FreePorts;
import dev.pagewire.netty.testing.Haproxy;
import dev.pagewire.netty.testing.LoopbackProcess;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.redis.testing.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.AssertionFailedError;

/**
 * A backend in a process of its own ({@code php -S}, {@code python3}) with the real gateway jar in
 * front of it, run as a user runs them (docs/GATEWAY.md, "Run it"): both on free loopback ports,
 * sharing a fresh secret, each with its output in a file.
 *
 * <p>Register it on a static field. It starts on first use ({@link #uri()}), so a missing {@code
 * php} or {@code python3} skips (on CI: fails) only the tests that need it, with the reason
 * {@link LoopbackProcess} gives; it stops after the class, the gateway first. When a test fails,
 * the tails of both outputs are printed.
 *
 * <p>Backends that start helper processes of their own (the PHP chat's clock) leave their pids in
 * {@code *.lock} files of their data directory ({@code PAGEWIRE_DATA}); those must stop by
 * themselves once the gateway is gone, and closing fails if they do not.
 *
 * <p>Not thread-safe: use it from the test thread.
 */
final class GatewayStack implements AfterAllCallback, TestWatcher, AutoCloseable {

    /** How long a backend's helpers may take to notice the gateway is gone and stop. */
    private static final Duration HELPERS_STOP = Duration.ofSeconds(20);

    /** Starts a backend that reads the secret and its data directory from its environment. */
    @FunctionalInterface
    private interface Backend {
        LoopbackProcess start(String secret, Path examples);
    }

    private final String name;
    private final Backend backend;
    private final int nodes;
    private final String secret = randomSecret();
    private LoopbackProcess backendProcess;
    /** The gateways: one, or a cluster's nodes. Empty until started. */
    private final List<LoopbackProcess> gateways = new ArrayList<>();
    /** A cluster's Redis and its round-robin balancer; null for one gateway. */
    private RedisServer redis;

    private Haproxy haproxy;
    /** Why the first start failed: later tests fail (or skip) for the same reason without retrying. */
    private Throwable failedStart;

    private GatewayStack(String name, Backend backend, int nodes) {
        this.name = name;
        this.backend = backend;
        this.nodes = nodes;
    }

    /**
     * {@code php -S … -t examples/<example>} behind {@code nodes} gateways joined on a fresh Redis
     * ({@code --redis}), themselves behind haproxy balancing round-robin with no stickiness:
     * {@link #uri()} is haproxy's.
     */
    static GatewayStack phpCluster(String example, int nodes) {
        return new GatewayStack(example + " on " + nodes + " gateways", php(example).backend, nodes);
    }

    /** {@code php -S 127.0.0.1:PORT -t examples/<example>} behind the gateway. */
    static GatewayStack php(String example) {
        return new GatewayStack(
                example,
                (secret, examples) -> {
                    Path php = LoopbackProcess.executable("PAGEWIRE_PHP", Path.of("/usr/bin/php"));
                    Path docroot = existing(examples.resolve(example));
                    return LoopbackProcess.start(
                            "php",
                            php,
                            "php-cli",
                            List.of(),
                            (dir, port) -> List.of(
                                    "/usr/bin/env",
                                    "PAGEWIRE_SECRET=" + secret,
                                    "PAGEWIRE_DATA=" + dir.resolve("data"),
                                    php.toString(),
                                    "-S",
                                    FreePorts.LOOPBACK + ":" + port,
                                    "-t",
                                    docroot.toString()));
                },
                1);
    }

    /** {@code python3 examples/<script> --port PORT} behind the gateway. */
    static GatewayStack python(String script) {
        return new GatewayStack(
                script,
                (secret, examples) -> {
                    Path python = LoopbackProcess.executable("PAGEWIRE_PYTHON", Path.of("/usr/bin/python3"));
                    Path file = existing(examples.resolve(script));
                    return LoopbackProcess.start(
                            "python3",
                            python,
                            "python3",
                            List.of(),
                            (dir, port) -> List.of(
                                    "/usr/bin/env",
                                    "PAGEWIRE_SECRET=" + secret,
                                    python.toString(),
                                    file.toString(),
                                    "--port",
                                    Integer.toString(port),
                                    "--host",
                                    FreePorts.LOOPBACK));
                },
                1);
    }

    /** The gateway's root URL, {@code http://127.0.0.1:PORT/}; starts backend and gateway on first call. */
    URI uri() {
        start();
        if (haproxy != null) {
            return haproxy.uri();
        }
        return URI.create("http://" + FreePorts.LOOPBACK + ":" + gateways.get(0).port() + "/");
    }

    /** The balancer's log (one line per request, naming the gateway it went to); null for one gateway. */
    Path balancerLog() {
        start();
        return haproxy == null ? null : haproxy.output();
    }

    /** The gateways' own root URLs, bypassing any balancer; starts everything on first call. */
    List<URI> gatewayUris() {
        start();
        return gateways.stream()
                .map(g -> URI.create("http://" + FreePorts.LOOPBACK + ":" + g.port() + "/"))
                .toList();
    }

    /** The backend's own root URL, bypassing the gateway; starts both on first call. */
    URI backendUri() {
        start();
        return URI.create("http://" + FreePorts.LOOPBACK + ":" + backendProcess.port() + "/");
    }

    /** The backend process; starts both on first call. */
    LoopbackProcess backend() {
        start();
        return backendProcess;
    }

    /** The directory in {@code PAGEWIRE_DATA} (PHP backends keep their files there). */
    Path data() {
        return backend().dir().resolve("data");
    }

    /** The {@code Pagewire-Signature} value of {@code body} as the gateway would sign it at {@code time}. */
    String sign(String body, long time) {
        return TestSignatures.sign(secret, time, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * POSTs {@code body} straight to the backend at {@code path} as a webhook, with {@code
     * signature} as its {@code Pagewire-Signature} (none if null): what a forger or a replay would
     * send.
     */
    HttpResponse<String> postToBackend(String path, String body, String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(backendUri().resolve(path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("Pagewire-Signature", signature);
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + path + " to the backend", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void start() {
        if (failedStart != null) {
            throw rethrown(failedStart);
        }
        if (!gateways.isEmpty()) {
            return;
        }
        try {
            Path jar = gatewayJar();
            Path examples = existing(Path.of(System.getProperty("examples.dir", "../examples")));
            backendProcess = backend.start(secret, examples);
            if (nodes == 1) {
                gateways.add(startGateway(jar, backendProcess.port(), List.of()));
            } else {
                redis = RedisServer.start();
                for (int i = 0; i < nodes; i++) {
                    gateways.add(startGateway(jar, backendProcess.port(), List.of("--redis", redis.uri())));
                }
                haproxy = Haproxy.start(
                        gateways.stream()
                                .map(g -> new InetSocketAddress(FreePorts.LOOPBACK, g.port()))
                                .toList(),
                        Haproxy.Timeouts.DEFAULT);
            }
        } catch (RuntimeException | Error e) {
            failedStart = e;
            closeQuietly(e);
            throw e;
        }
    }

    /** {@code failure} again: a skip stays a skip, an assertion an assertion. */
    private static RuntimeException rethrown(Throwable failure) {
        if (failure instanceof Error error) {
            throw error;
        }
        return (RuntimeException) failure;
    }

    private LoopbackProcess startGateway(Path jar, int backendPort, List<String> more) {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        return LoopbackProcess.start("gateway", java, "openjdk-21-jre-headless", List.of(), (dir, port) -> {
            // A file, not the environment: LoopbackProcess passes its own environment on.
            Path secretFile = Files.writeString(dir.resolve("secret"), secret);
            List<String> command = new ArrayList<>(List.of(
                    java.toString(),
                    "-jar",
                    jar.toString(),
                    "--backend",
                    "http://" + FreePorts.LOOPBACK + ":" + backendPort,
                    "--port",
                    Integer.toString(port),
                    "--host",
                    FreePorts.LOOPBACK,
                    "--secret-file",
                    secretFile.toString()));
            command.addAll(more);
            return command;
        });
    }

    private static Path gatewayJar() {
        String property = System.getProperty("gateway.jar");
        // Absolute: the gateway runs in a directory of its own.
        Path jar = Path.of(property == null ? "target/pagewire-gateway.jar" : property)
                .toAbsolutePath()
                .normalize();
        if (!Files.isRegularFile(jar)) {
            throw new AssertionFailedError("the gateway jar " + jar.toAbsolutePath()
                    + " is not built: the *IT tests run in `mvn verify` after package builds it"
                    + " (or run `mvn -pl pagewire-gateway -am -DskipTests package` first)");
        }
        return jar;
    }

    private static Path existing(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        if (!Files.exists(absolute)) {
            throw new AssertionFailedError(absolute + " does not exist (system property examples.dir: "
                    + System.getProperty("examples.dir") + ")");
        }
        return absolute;
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The tails of the backend's and the gateway's output, for failure messages. */
    String logs() {
        StringBuilder logs = new StringBuilder();
        if (backendProcess != null) {
            logs.append("=== ").append(name).append(": backend ===\n").append(backendProcess.logTails());
            Path clockLog = backendProcess.dir().resolve("data/clock.log");
            if (Files.exists(clockLog)) {
                logs.append("--- ").append(clockLog).append(" ---\n").append(read(clockLog));
            }
        }
        for (LoopbackProcess gateway : gateways) {
            logs.append("=== ").append(name).append(": gateway ===\n").append(gateway.logTails());
        }
        return logs.toString();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (backendProcess != null || !gateways.isEmpty()) {
            String test = context.getTestMethod().map(m -> m.getName() + " ").orElse("") + context.getDisplayName();
            System.err.println("[" + test + " failed] " + logs());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /**
     * Stops the gateway, waits for the backend's helpers to stop by themselves, then stops the
     * backend. Idempotent.
     *
     * @throws AssertionFailedError if a helper still runs {@link #HELPERS_STOP} after the gateway
     *     stopped (it is killed then)
     */
    @Override
    public void close() {
        if (backendProcess == null && gateways.isEmpty()) {
            return;
        }
        String logs = logs();
        List<ProcessHandle> helpers = backendProcess == null ? List.of() : helpers(backendProcess.dir());
        try {
            if (haproxy != null) {
                haproxy.close();
                haproxy = null;
            }
            gateways.forEach(LoopbackProcess::close);
            try {
                Wait.await(
                        HELPERS_STOP,
                        "the backend's helpers " + helpers + " to stop once the gateway is gone",
                        () -> helpers.stream().noneMatch(ProcessHandle::isAlive));
            } catch (AssertionFailedError e) {
                helpers.forEach(ProcessHandle::destroyForcibly);
                throw new AssertionFailedError(e.getMessage() + "\n" + logs, e);
            }
        } finally {
            gateways.clear();
            if (redis != null) {
                redis.close();
                redis = null;
            }
            if (backendProcess != null) {
                backendProcess.close();
                backendProcess = null;
            }
        }
    }

    private void closeQuietly(Throwable failure) {
        try {
            close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** The live processes whose pids the backend left in {@code data/*.lock}. */
    private static List<ProcessHandle> helpers(Path dir) {
        Path data = dir.resolve("data");
        if (!Files.isDirectory(data)) {
            return List.of();
        }
        List<ProcessHandle> helpers = new ArrayList<>();
        try (Stream<Path> files = Files.list(data)) {
            for (Path lock : files.filter(f -> f.toString().endsWith(".lock")).toList()) {
                String pid = read(lock).strip();
                if (pid.matches("\\d+")) {
                    Optional<ProcessHandle> helper = ProcessHandle.of(Long.parseLong(pid));
                    helper.filter(ProcessHandle::isAlive).ifPresent(helpers::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + data, e);
        }
        return helpers;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
