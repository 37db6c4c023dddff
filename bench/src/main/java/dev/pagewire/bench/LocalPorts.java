package dev.pagewire.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Ports on 127.0.0.1 for the processes that cannot say which port they took (Redis, haproxy): a
 * free one found by binding to port 0 (another process could take it before ours binds it; that
 * process then fails to start, saying so), and a bounded wait until a process listens.
 */
final class LocalPorts {

    private LocalPorts() {}

    /** A port of 127.0.0.1 that was free a moment ago. */
    static int free() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until {@code process} accepts connections on {@code port}: connects every 20 ms and, if
     * {@code hello} is not null, sends it and expects the answer to start with {@code expected}.
     *
     * @throws IllegalStateException if the process ends first, or {@code timeout} passes; the message
     *     quotes the end of its stderr
     */
    static void await(ChildProcess process, String name, int port, String hello, String expected, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no attempt";
        while (System.nanoTime() < deadline) {
            if (!process.alive()) {
                throw new IllegalStateException(name + " ended before it listened on port " + port
                        + "; end of its log:\n" + process.stderrTail());
            }
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                if (hello == null) {
                    return;
                }
                socket.setSoTimeout(1000);
                OutputStream out = socket.getOutputStream();
                out.write(hello.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] answer = new byte[expected.length()];
                int read = in.readNBytes(answer, 0, answer.length);
                String got = new String(answer, 0, read, StandardCharsets.US_ASCII);
                if (got.equals(expected)) {
                    return;
                }
                last = "it answered '" + got + "'";
            } catch (IOException e) {
                last = e.getMessage();
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling a port against a deadline
        }
        throw new IllegalStateException(name + " did not listen on port " + port + " within " + timeout.toSeconds()
                + " s (" + last + "); end of its log:\n" + process.stderrTail());
    }
}
