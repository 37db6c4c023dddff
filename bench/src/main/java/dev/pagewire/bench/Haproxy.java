package dev.pagewire.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster's load balancer: haproxy in {@code mode http} in front of the nodes, on a free port of
 * 127.0.0.1, for one run. {@link Balance#ROUND_ROBIN} balances every HTTP request on its own, a
 * keep-alive connection's too ({@code no option prefer-last-server}, haproxy's default, stated so
 * that it shows), with no cookie and no hashing; {@link Balance#SOURCE} is sticky by the client's
 * address, the reference that Socket.IO's polling needs. WebSocket connections pass as tunnels.
 * Each request is logged on stderr, one line each — client address and port, node, status — which
 * {@link #requests} reads.
 */
final class Haproxy implements AutoCloseable {

    /** How requests are spread over the nodes. */
    enum Balance {
        /** Round-robin, request by request. */
        ROUND_ROBIN("roundrobin"),
        /** Sticky: the client's source address picks the node. */
        SOURCE("source");

        private final String keyword;

        Balance(String keyword) {
            this.keyword = keyword;
        }
    }

    /** Spare file descriptors of a haproxy besides its connections (listener, log, epoll). */
    private static final int SPARE_FILES = 100;

    private static final Pattern LOG_LINE = Pattern.compile("^(\\S+) (\\S+) (-?\\d+)$");

    private final ChildProcess process;
    private final int port;
    private final Path dir;
    private final Path log;

    private Haproxy(ChildProcess process, int port, Path dir, Path log) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.log = log;
    }

    /**
     * How many client connections one haproxy holds under an open-files limit: each takes two
     * files, one to the client and one to a node.
     */
    static int capacity(long openFilesLimit) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (openFilesLimit - SPARE_FILES) / 2));
    }

    /** Starts haproxy in front of {@code nodePorts}, its log to {@code log}, and waits until it listens. */
    static Haproxy start(Launcher launcher, List<Integer> nodePorts, Balance balance, int maxconn, Path log)
            throws InterruptedException {
        int port = LocalPorts.free();
        Path dir;
        try {
            dir = Files.createTempDirectory("pagewire-bench-haproxy-");
            Files.writeString(dir.resolve("haproxy.cfg"), config(port, nodePorts, balance, maxconn));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write haproxy's configuration: " + e.getMessage(), e);
        }
        var process = ChildProcess.start("haproxy", launcher.haproxy(dir.resolve("haproxy.cfg")), dir, log, line -> {});
        var haproxy = new Haproxy(process, port, dir, log);
        try {
            LocalPorts.await(process, "haproxy", port, null, null, Duration.ofSeconds(30));
            return haproxy;
        } catch (RuntimeException | InterruptedException e) {
            haproxy.close();
            throw e;
        }
    }

    /** The configuration: what the report says of the load balancer is all here. */
    static String config(int port, List<Integer> nodePorts, Balance balance, int maxconn) {
        var c = new StringBuilder();
        c.append("global\n");
        c.append("  maxconn ").append(maxconn).append('\n');
        c.append("  log stderr format raw local0 info\n");
        c.append("defaults\n");
        c.append("  mode http\n");
        c.append("  log global\n");
        c.append("  log-format \"%ci:%cp %s %ST\"\n");
        c.append("  option http-keep-alive\n");
        c.append("  no option prefer-last-server\n");
        c.append("  timeout connect 5s\n");
        // Longer than a long-poll (Pagewire's pollTimeout is 20 s, Engine.IO's pingInterval 25 s).
        c.append("  timeout client 60s\n");
        c.append("  timeout server 60s\n");
        c.append("  timeout http-keep-alive 60s\n");
        c.append("  timeout tunnel 1h\n");
        c.append("frontend entry\n");
        c.append("  bind 127.0.0.1:").append(port).append('\n');
        c.append("  maxconn ").append(maxconn).append('\n');
        c.append("  default_backend nodes\n");
        c.append("backend nodes\n");
        c.append("  balance ").append(balance.keyword).append('\n');
        for (int i = 0; i < nodePorts.size(); i++) {
            c.append("  server node")
                    .append(i + 1)
                    .append(" 127.0.0.1:")
                    .append(nodePorts.get(i))
                    .append('\n');
        }
        return c.toString();
    }

    int port() {
        return port;
    }

    double cpuSeconds() {
        return ProcStats.cpuSeconds(process.pid());
    }

    /** How far its log is written now, to read the requests logged from here on ({@link #requests}). */
    long logMark() {
        return log.toFile().length();
    }

    /**
     * Counts of the requests in a stretch of haproxy's log (a request is logged once answered; a
     * WebSocket once it ends).
     *
     * @param count requests
     * @param errors those answered with a status of 400 or more, or with none
     * @param pairs requests that followed another on the same client connection
     * @param sameNode of those, the ones that went to the same node as the one before: a third by
     *     chance with three nodes and round-robin, all of them when a connection sticks to a node
     */
    record Requests(long count, long errors, long pairs, long sameNode) {

        Requests plus(Requests o) {
            return new Requests(count + o.count, errors + o.errors, pairs + o.pairs, sameNode + o.sameNode);
        }
    }

    /** The requests haproxy logged between two {@linkplain #logMark marks}. */
    Requests requests(long from, long to) {
        return count(read(from, to));
    }

    /** The requests in a stretch of the log; lines that are not requests (haproxy's notices) are skipped. */
    static Requests count(String log) {
        long count = 0;
        long errors = 0;
        long pairs = 0;
        long same = 0;
        Map<String, String> lastNode = new HashMap<>();
        for (String line : log.split("\n")) {
            Matcher m = LOG_LINE.matcher(line.strip());
            if (!m.matches()) {
                continue; // haproxy's own notices share the log
            }
            count++;
            int status = Integer.parseInt(m.group(3));
            if (status >= 400 || status < 100) {
                errors++;
            }
            String before = lastNode.put(m.group(1), m.group(2));
            if (before != null) {
                pairs++;
                if (before.equals(m.group(2))) {
                    same++;
                }
            }
        }
        return new Requests(count, errors, pairs, same);
    }

    private String read(long from, long to) {
        try (var file = new RandomAccessFile(log.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.max(0, Math.min(to, file.length()) - from)];
            file.seek(from);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read haproxy's log " + log + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.terminate();
        try {
            Files.deleteIfExists(dir.resolve("haproxy.cfg"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove haproxy's directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
