package dev.pagewire.netty.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster node in a process of its own: a JVM running a main class with this test's class path,
 * which prints a line saying where it listens ({@link #DEFAULT_READY}: {@code node N listening on
 * port P}, or a pattern of the caller's with a group named {@code port} and optionally one named
 * {@code node}). It can be stopped as an operator would ({@link #terminate()}, SIGTERM: the node
 * drains) or killed as a crash would ({@link #kill()}, SIGKILL). Its output goes to a file, shown
 * when a test fails.
 */
public final class NodeProcess implements AutoCloseable {

    /** What a node prints once it serves, unless the caller says otherwise. */
    public static final Pattern DEFAULT_READY = Pattern.compile("node (?<node>\\d+) listening on port (?<port>\\d+)");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path output;
    private final int node;
    private final int port;

    private NodeProcess(Process process, Path output, int node, int port) {
        this.process = process;
        this.output = output;
        this.node = node;
        this.port = port;
    }

    /** Starts {@code mainClass} with {@code args} and waits until it prints {@link #DEFAULT_READY}. */
    public static NodeProcess start(Class<?> mainClass, String... args) {
        return start(DEFAULT_READY, mainClass, args);
    }

    /**
     * Starts {@code mainClass} with {@code args} and waits until it prints a line that {@code ready}
     * finds (its group {@code port}, and {@code node} if there is one; else the node is 0).
     */
    public static NodeProcess start(Pattern ready, Class<?> mainClass, String... args) {
        Path output;
        try {
            output = Files.createTempFile("pagewire-node-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xms32m",
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass.getName()));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        Matcher[] found = new Matcher[1];
        try {
            Wait.await(START_TIMEOUT, mainClass.getSimpleName() + " to say it serves", () -> {
                Matcher m = ready.matcher(read(output));
                if (m.find()) {
                    found[0] = m;
                    return true;
                }
                return !process.isAlive();
            });
        } catch (AssertionError e) {
            process.destroyForcibly();
            fail(mainClass.getSimpleName() + " did not start within " + START_TIMEOUT + ":\n" + read(output));
        }
        if (found[0] == null) {
            fail(mainClass.getSimpleName() + " exited with " + process.exitValue() + ":\n" + read(output));
        }
        Matcher m = found[0];
        int node = ready.pattern().contains("(?<node>") ? Integer.parseInt(m.group("node")) : 0;
        return new NodeProcess(process, output, node, Integer.parseInt(m.group("port")));
    }

    /** The node's number in its cluster. */
    public int node() {
        return node;
    }

    /** Where it listens, on loopback. */
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    public int port() {
        return port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM: the node drains (its shutdown hook) and exits; does not wait. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: the node is gone at once, as after a crash; waits until it is. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /** Waits for the process to end; fails the test if it does not. */
    public void awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("node " + node + " still runs after " + timeout + ":\n" + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The end of what the node printed. */
    public String tail() {
        String all = read(output);
        return all.length() > 8_000 ? "…" + all.substring(all.length() - 8_000) : all;
    }

    /** Everything the node printed. */
    public String log() {
        return read(output);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "node " + node + " on port " + port;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
