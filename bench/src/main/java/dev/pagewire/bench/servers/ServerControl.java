package dev.pagewire.bench.servers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * The control protocol every bench server speaks with the orchestrator (the Socket.IO server
 * {@code bench/socketio/server.js} speaks it too): the server prints {@code READY <port>} once it
 * listens, then reads commands on stdin, one a line:
 *
 * <ul>
 *   <li>{@code heap}: a full GC, then {@code HEAP <bytes of heap in use>};
 *   <li>{@code stop} or the end of stdin: the server closes, and the process exits at once
 *       (a Pagewire long-polling connection closed at shutdown leaves a linger timer on Netty's
 *       non-daemon {@code GlobalEventExecutor} thread, which would hold the JVM for
 *       {@code pollTimeout} + 5 s).
 * </ul>
 *
 * <p>Runs on the calling (main) thread until told to stop.
 */
public final class ServerControl {

    private ServerControl() {}

    /** Announces {@code port} and serves commands until {@code stop}; then runs {@code shutdown}. */
    public static void serve(int port, Runnable shutdown) throws IOException {
        System.out.println("READY " + port);
        System.out.flush();
        try (var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String command = line.strip();
                if (command.equals("stop")) {
                    break;
                } else if (command.equals("heap")) {
                    System.out.println("HEAP " + heapAfterGc());
                } else if (!command.isEmpty()) {
                    System.out.println("ERROR unknown command: " + command);
                }
                System.out.flush();
            }
        } finally {
            shutdown.run();
        }
        System.exit(0);
    }

    /** Heap in use after a full collection, in bytes. */
    private static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Parses the port argument: {@code args[0]}, or 0 (a free port) when absent. */
    public static int port(String[] args) {
        if (args.length == 0) {
            return 0;
        }
        try {
            return Integer.parseInt(args[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port must be a number, got '" + args[0] + "'");
        }
    }
}
