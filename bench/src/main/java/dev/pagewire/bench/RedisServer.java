package dev.pagewire.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A cluster's Redis: a fresh {@code redis-server} for one run, on a free port of 127.0.0.1, in a
 * directory of its own, keeping nothing on disk (no snapshots, no append-only file), measured from
 * outside like the servers. Ended and its directory removed on {@link #close}.
 */
final class RedisServer implements AutoCloseable {

    private final ChildProcess process;
    private final int port;
    private final Path dir;

    private RedisServer(ChildProcess process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts Redis, its log to {@code log}, and waits until it answers {@code PING}. */
    static RedisServer start(Launcher launcher, Path log) throws InterruptedException {
        Path dir;
        try {
            dir = Files.createTempDirectory("pagewire-bench-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for Redis: " + e.getMessage(), e);
        }
        int port = LocalPorts.free();
        var process = ChildProcess.start("Redis", launcher.redis(port, dir), dir, log, line -> {});
        var redis = new RedisServer(process, port, dir);
        try {
            LocalPorts.await(process, "Redis", port, "PING\r\n", "+PONG", Duration.ofSeconds(30));
            return redis;
        } catch (RuntimeException | InterruptedException e) {
            redis.close();
            throw e;
        }
    }

    /** Where the nodes find it, e.g. {@code redis://127.0.0.1:6379}. */
    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    double cpuSeconds() {
        return ProcStats.cpuSeconds(process.pid());
    }

    @Override
    public void close() throws InterruptedException {
        process.terminate();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove Redis's directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
