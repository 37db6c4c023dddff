package dev.pagewire.netty.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.opentest4j.AssertionFailedError;

/**
 * A server program (nginx, squid, haproxy…) run by a test in the foreground, with its
 * configuration, logs and pid file in a fresh temporary directory of its own, listening on one
 * free port of {@link FreePorts#LOOPBACK}. The launchers {@link Nginx}, {@link Squid} and {@link
 * Haproxy} are built on it; use it directly for another program.
 *
 * <p><b>Starting.</b> {@link #start} returns once the port accepts TCP connections. If the
 * program exits first, or is still not listening after {@link #START_TIMEOUT}, the start fails
 * with the tail of its output and logs in the message. If it reports its port taken (another
 * process won the race for the {@linkplain FreePorts free port}), it is started again on a new
 * port. If the executable is missing the test is skipped, or fails on CI (see {@link
 * Unavailable}).
 *
 * <p><b>Stopping.</b> {@link #close()} sends SIGTERM, waits up to {@link #STOP_TIMEOUT}, then
 * kills the program and whatever children it started (nginx workers), and deletes the directory.
 *
 * <p><b>Output.</b> Standard output and standard error both go to {@link #output()}, a file, so
 * a chatty program can never block on a full pipe and no thread is needed to drain it.
 *
 * <p><b>Threads.</b> Start and close it from the test thread; the accessors are thread-safe.
 */
public final class LoopbackProcess implements AutoCloseable {

    /** How long a program may take to start listening: generous, for slow shared CI machines. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    /** How long a program may take to exit after SIGTERM before it is killed. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /** Attempts on fresh ports when the picked one was taken meanwhile. */
    private static final int ATTEMPTS = 3;

    /** Lines of each log quoted in a failure message. */
    private static final int TAIL_LINES = 40;

    /** Writes the program's configuration for one start. */
    @FunctionalInterface
    public interface Setup {

        /**
         * Writes whatever the program needs into {@code dir} (which exists and is empty but for
         * files an earlier attempt left) and returns its command line, executable first.
         *
         * @param dir the program's own temporary directory
         * @param port the loopback port it must listen on
         */
        List<String> write(Path dir, int port) throws IOException;
    }

    private final String name;
    private final Path dir;
    private final List<Path> logs;
    private final int port;
    private final Process process;
    private boolean closed;

    private LoopbackProcess(String name, Path dir, List<Path> logs, int port, Process process) {
        this.name = name;
        this.dir = dir;
        this.logs = logs;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts a program and waits until it listens on its port.
     *
     * @param name short name for messages and the directory, e.g. {@code "nginx"}
     * @param executable the program; when it is missing, the test is skipped (fails on CI)
     * @param debianPackage the package that installs it, named in the skip message
     * @param logs the program's log files relative to its directory, e.g. {@code "error.log"},
     *     quoted with {@link #output()} when it fails to start
     * @param setup writes the configuration and says how to run the program
     * @throws org.opentest4j.TestAbortedException if the executable is missing and not on CI
     * @throws AssertionFailedError if it is missing on CI, or the program does not start
     */
    public static LoopbackProcess start(
            String name, Path executable, String debianPackage, List<String> logs, Setup setup) {
        requireExecutable(name, executable, debianPackage);
        Path dir;
        try {
            dir = Files.createTempDirectory("pagewire-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for " + name, e);
        }
        List<Path> logPaths = new ArrayList<>();
        logPaths.add(dir.resolve("output.log"));
        logs.forEach(log -> logPaths.add(dir.resolve(log)));
        try {
            for (int attempt = 1; ; attempt++) {
                LoopbackProcess started = attempt(name, dir, List.copyOf(logPaths), setup);
                if (started != null) {
                    return started;
                }
                if (attempt == ATTEMPTS) {
                    throw new AssertionFailedError(name + " found its port taken " + ATTEMPTS
                            + " times in a row; its logs:\n" + tails(logPaths));
                }
            }
        } catch (IOException e) {
            deleteQuietly(dir, e);
            throw new UncheckedIOException("cannot start " + name + " in " + dir, e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(dir, e);
            throw e;
        }
    }

    /** One start on a fresh port; null if the port was taken meanwhile. */
    private static LoopbackProcess attempt(String name, Path dir, List<Path> logs, Setup setup) throws IOException {
        // A failed attempt's logs would make this attempt's failure look like a taken port.
        for (Path log : logs) {
            Files.deleteIfExists(log);
        }
        int port = FreePorts.pick();
        List<String> command = setup.write(dir, port);
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.get(0).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        LoopbackProcess started = new LoopbackProcess(name, dir, logs, port, process);
        try {
            Wait.await(
                    START_TIMEOUT,
                    name + " to listen on " + FreePorts.LOOPBACK + ":" + port,
                    () -> !process.isAlive() || accepts(port));
        } catch (AssertionFailedError e) {
            started.stop();
            throw new AssertionFailedError(e.getMessage() + "; its logs:\n" + tails(logs), e);
        }
        if (process.isAlive()) {
            return started;
        }
        String tails = tails(logs);
        if (tails.contains("Address already in use")) {
            return null;
        }
        throw new AssertionFailedError(name
                + " exited with code "
                + process.exitValue()
                + " before listening on "
                + FreePorts.LOOPBACK
                + ":"
                + port
                + " (command: "
                + String.join(" ", command)
                + "); its logs:\n"
                + tails);
    }

    /**
     * The executable named by the environment variable {@code variable} if it is set and not
     * blank, else {@code otherwise}: how a developer points a launcher at, say, a Homebrew nginx.
     */
    public static Path executable(String variable, Path otherwise) {
        String override = System.getenv(variable);
        return override == null || override.isBlank() ? otherwise : Path.of(override.strip());
    }

    /**
     * Whether the tests run as root, as in CI containers: then programs that drop privileges
     * (nginx workers, squid) must be told which user to become, or be given a directory that user
     * may write.
     */
    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void requireExecutable(String name, Path executable, String debianPackage) {
        if (!Files.isExecutable(executable)) {
            Unavailable unavailable = new Unavailable(
                    name
                            + " not found at "
                            + executable
                            + ": install the Debian package "
                            + debianPackage
                            + " (CI installs it in .ci/run)",
                    null);
            unavailable.report(name);
            unavailable.skipOrFail();
        }
    }

    /** The loopback port the program listens on. */
    public int port() {
        return port;
    }

    /** {@link FreePorts#LOOPBACK} and {@link #port()}. */
    public InetSocketAddress address() {
        return new InetSocketAddress(FreePorts.LOOPBACK, port);
    }

    /** The program's own temporary directory, deleted on {@link #close()}. */
    public Path dir() {
        return dir;
    }

    /** The file that receives the program's standard output and standard error. */
    public Path output() {
        return logs.get(0);
    }

    /** Whether the program is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The last lines of {@link #output()} and of each log file, for failure messages. */
    public String logTails() {
        return tails(logs);
    }

    /**
     * Stops the program (SIGTERM, then kill after {@link #STOP_TIMEOUT}) with any children it
     * left, and deletes its directory. Idempotent.
     *
     * @throws AssertionFailedError if the program outlives even the kill
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            stop();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            delete(dir);
        } catch (IOException e) {
            UncheckedIOException deletion =
                    new UncheckedIOException("cannot delete " + name + "'s directory " + dir, e);
            if (failure == null) {
                failure = deletion;
            } else {
                failure.addSuppressed(deletion);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void stop() {
        // Taken before the parent exits: afterwards its orphans are no longer its descendants.
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!exited(process.toHandle())) {
            process.destroyForcibly();
        }
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        if (!exited(process.toHandle()) || !children.stream().allMatch(LoopbackProcess::exited)) {
            throw new AssertionFailedError(
                    name + " (pid " + process.pid() + ") or a child is still running after being killed");
        }
    }

    private static boolean exited(ProcessHandle handle) {
        try {
            handle.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for pid " + handle.pid() + " to exit", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for pid " + handle.pid(), e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(FreePorts.LOOPBACK, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tails(List<Path> logs) {
        StringBuilder text = new StringBuilder();
        for (Path log : logs) {
            if (!Files.exists(log)) {
                continue;
            }
            text.append("--- ").append(log).append(" ---\n");
            try {
                List<String> lines = List.of(
                        Files.readString(log, StandardCharsets.ISO_8859_1).split("\n", -1));
                int from = Math.max(0, lines.size() - TAIL_LINES);
                text.append(String.join("\n", lines.subList(from, lines.size())))
                        .append('\n');
            } catch (IOException e) {
                text.append("(cannot read: ").append(e).append(")\n");
            }
        }
        return text.isEmpty() ? "(no output and no logs)" : text.toString();
    }

    private static void deleteQuietly(Path dir, Throwable failure) {
        try {
            delete(dir);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
