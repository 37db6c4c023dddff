package dev.pagewire.redis.testing;

import dev.pagewire.netty.testing.FreePorts;
import dev.pagewire.netty.testing.LoopbackProcess;
import dev.pagewire.netty.testing.Unavailable;
import dev.pagewire.netty.testing.Wait;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.opentest4j.AssertionFailedError;

/**
 * A real {@code redis-server} for tests, on a free port of {@link FreePorts#LOOPBACK}, in a
 * temporary directory of its own, without persistence ({@code --save "" --appendonly no}): a
 * restart starts empty, as a crashed cache would.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *   Backplane backplane = RedisBackplane.connect(redis.uri());
 *   ...
 *   redis.restart(); // same port, no data
 * }
 * }</pre>
 *
 * <p>The executable is {@code /usr/bin/redis-server}, or the one the environment variable {@code
 * REDIS_SERVER} names. When it is missing the test is skipped, or fails on CI ({@link Unavailable}).
 * Its output goes to {@link #output()}, quoted when it fails to start.
 *
 * <p>Threads: start, stop and restart it from the test thread; the accessors are thread-safe.
 */
public final class RedisServer implements AutoCloseable {

    /** Where Debian's package {@code redis-server} puts it. */
    public static final Path DEFAULT_EXECUTABLE = Path.of("/usr/bin/redis-server");

    /** How long Redis may take to answer PING after it was started: generous, for loaded machines. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path executable;
    private final Path dir;
    private final int port;
    private Process process;
    private boolean closed;

    private RedisServer(Path executable, Path dir, int port) {
        this.executable = executable;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Starts Redis on a free loopback port and returns once it answers PING.
     *
     * @throws org.opentest4j.TestAbortedException if redis-server is missing and not on CI
     * @throws AssertionFailedError if it is missing on CI, or does not start
     */
    public static RedisServer start() {
        Path executable = LoopbackProcess.executable("REDIS_SERVER", DEFAULT_EXECUTABLE);
        if (!Files.isExecutable(executable)) {
            Unavailable unavailable = new Unavailable(
                    "redis-server not found at " + executable
                            + ": install the Debian package redis-server (CI installs it in .ci/run),"
                            + " or name another executable in REDIS_SERVER",
                    null);
            unavailable.report("redis");
            unavailable.skipOrFail();
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("pagewire-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for redis-server", e);
        }
        for (int attempt = 1; ; attempt++) {
            RedisServer server = new RedisServer(executable, dir, FreePorts.pick());
            if (server.launch()) {
                return server;
            }
            if (attempt == 3) {
                throw new AssertionFailedError("redis-server found its port taken 3 times in a row:\n" + server.tail());
            }
        }
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://" + FreePorts.LOOPBACK + ":" + port;
    }

    /** The loopback port it listens on, the same after {@link #restart()}. */
    public int port() {
        return port;
    }

    /** {@link FreePorts#LOOPBACK} and {@link #port()}. */
    public InetSocketAddress address() {
        return new InetSocketAddress(FreePorts.LOOPBACK, port);
    }

    /** The file that receives its output (its log). */
    public Path output() {
        return dir.resolve("output.log");
    }

    /** Whether it is running. */
    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Stops it as an operator would (SIGTERM), waiting until it exited. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            awaitExit();
        }
    }

    /** Kills it (SIGKILL), as a crash would, waiting until it exited. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit();
        }
    }

    /** Kills it and starts it again on the same port, empty; returns once it answers PING. */
    public synchronized void restart() {
        kill();
        if (!launch()) {
            throw new AssertionFailedError("redis-server could not listen on its port " + port + " again:\n" + tail());
        }
    }

    /**
     * Sends one command and returns Redis's answer as text (tests, e.g. {@code command("DBSIZE")});
     * arguments are sent as bulk strings, so any bytes are fine.
     */
    public String command(String... args) {
        try (Socket socket = new Socket()) {
            socket.connect(address(), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*" + args.length + "\r\n");
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                request.append('$')
                        .append(bytes.length)
                        .append("\r\n")
                        .append(arg)
                        .append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readReply(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send " + args[0] + " to redis-server on port " + port, e);
        }
    }

    /** Kills it and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        kill();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete redis-server's directory " + dir, e);
        }
    }

    @Override
    public String toString() {
        return "RedisServer[" + uri() + "]";
    }

    /** Starts the process; false if the port was taken meanwhile. */
    private boolean launch() {
        List<String> command = List.of(
                executable.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                FreePorts.LOOPBACK,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no",
                "--logfile",
                "");
        try {
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
        Process started = process;
        try {
            Wait.await(
                    START_TIMEOUT, "redis-server to answer PING on port " + port, () -> !started.isAlive() || pong());
        } catch (AssertionFailedError e) {
            started.destroyForcibly();
            throw new AssertionFailedError(e.getMessage() + "; its output:\n" + tail(), e);
        }
        if (started.isAlive()) {
            return true;
        }
        if (tail().contains("Address already in use")) {
            return false;
        }
        throw new AssertionFailedError("redis-server exited with code " + started.exitValue()
                + " before listening (command: " + String.join(" ", command) + "); its output:\n" + tail());
    }

    private boolean pong() {
        try {
            return command("PING").equals("PONG");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionFailedError("redis-server (pid " + process.pid() + ") outlives SIGKILL");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted while waiting for redis-server to exit", e);
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(output(), StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** A RESP reply as text: simple strings, errors, integers and bulk strings; arrays joined by spaces. */
    private static String readReply(InputStream in) throws IOException {
        int type = in.read();
        String line = readLine(in);
        return switch (type) {
            case '+', ':' -> line;
            case '-' -> "ERR:" + line;
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield "";
                }
                byte[] bytes = in.readNBytes(length + 2);
                yield new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                StringBuilder all = new StringBuilder();
                for (int i = 0; i < count; i++) {
                    all.append(i == 0 ? "" : " ").append(readReply(in));
                }
                yield all.toString();
            }
            default -> throw new IOException("unexpected reply from redis-server: " + (char) type + line);
        };
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c < 0) {
                throw new IOException("redis-server closed the connection mid-reply");
            }
            line.append((char) c);
        }
        in.read(); // '\n'
        return line.toString();
    }
}
