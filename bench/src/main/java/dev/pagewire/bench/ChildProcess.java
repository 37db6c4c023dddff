package dev.pagewire.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A process the orchestrator started (a server or a load generator) that talks in lines: its
 * stdout is read on a thread of its own and waited on line by line, stderr goes to a log file
 * whose end is quoted when the process fails. Used by one orchestrator thread.
 */
final class ChildProcess implements AutoCloseable {

    private static final String EOF = "\u0000eof";

    private final String name;
    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Writer stdin;

    private ChildProcess(String name, Process process, Path log, Consumer<String> progress) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> read(progress), name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code command} in {@code dir}; lines starting with {@code PROGRESS } go to
     * {@code progress} as they come, the others wait for {@link #awaitLine}.
     */
    static ChildProcess start(String name, List<String> command, Path dir, Path log, Consumer<String> progress) {
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectError(log.toFile())
                    .start();
            return new ChildProcess(name, p, log, progress);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot start " + name + " (" + String.join(" ", command) + "): " + e.getMessage(), e);
        }
    }

    private void read(Consumer<String> progress) {
        try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("PROGRESS ")) {
                    progress.accept(line.substring("PROGRESS ".length()));
                } else {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            lines.add("ERROR reading stdout: " + e.getMessage());
        } finally {
            lines.add(EOF);
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * The next line starting with {@code prefix}, skipping others.
     *
     * @throws IllegalStateException if the process ends or prints an {@code ERROR} line first, or
     *     {@code timeout} passes; the message quotes the end of its stderr
     */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw failure("printed no '" + prefix + "' line within " + timeout.toSeconds() + " s");
            }
            if (line.equals(EOF)) {
                process.waitFor(5, TimeUnit.SECONDS);
                throw failure("ended (" + (process.isAlive() ? "stdout closed" : "exit " + process.exitValue())
                        + ") before printing '" + prefix + "'");
            }
            if (line.startsWith("ERROR")) {
                throw failure("said: " + line);
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** Writes one line to the process's stdin. */
    void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(name + " does not read its stdin any more: " + e.getMessage(), e);
        }
    }

    private IllegalStateException failure(String what) {
        return new IllegalStateException(name + " " + what + "; end of its stderr (" + log + "):\n" + tail());
    }

    private String tail() {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - 15), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Closes stdin (the servers' and the idle load's signal to stop), then ends the process. */
    @Override
    public void close() throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // the process is gone already; ending it below is all that is left
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** Whether the process is still running. */
    boolean alive() {
        return process.isAlive();
    }

    /**
     * Ends a process that does not stop when its stdin closes (Redis, haproxy): SIGTERM, then
     * SIGKILL if it is still there after 5 s.
     */
    void terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** The end of its stderr log, for a failure's message. */
    String stderrTail() {
        return tail();
    }

    /** Waits for the process to end by itself. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
