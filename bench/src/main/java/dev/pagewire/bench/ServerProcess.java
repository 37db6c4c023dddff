package dev.pagewire.bench;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A server under test, started fresh for one case and one run (in the smoke run, for all of its
 * peer's: {@link Measurer}), and measured from outside.
 */
final class ServerProcess implements AutoCloseable {

    private final Peer peer;
    private final ChildProcess process;
    private final int port;

    private ServerProcess(Peer peer, ChildProcess process, int port) {
        this.peer = peer;
        this.process = process;
        this.port = port;
    }

    /** Starts the server for {@code peer}, its stderr to {@code log}, and waits until it listens. */
    static ServerProcess start(Launcher launcher, Peer peer, Path log, Path jfr) throws InterruptedException {
        var process = ChildProcess.start(
                peer.title() + " server",
                launcher.server(peer, jfr, List.of()),
                launcher.serverDir(peer),
                log,
                line -> {});
        try {
            return new ServerProcess(peer, process, awaitPort(process));
        } catch (RuntimeException | InterruptedException e) {
            process.close();
            throw e;
        }
    }

    /**
     * Starts one server for {@code peer} with {@code args} per log of {@code logs}, all at once (the
     * nodes of a cluster), and waits until every one listens; if one fails, all are ended. Each
     * records a Flight Recording to its element of {@code recordings}, unless that is null.
     */
    static List<ServerProcess> startAll(
            Launcher launcher, Peer peer, List<String> args, List<Path> logs, List<Path> recordings)
            throws InterruptedException {
        List<ChildProcess> started = new ArrayList<>();
        try {
            for (int i = 0; i < logs.size(); i++) {
                started.add(ChildProcess.start(
                        peer.title() + " node " + (i + 1),
                        launcher.server(peer, recordings.get(i), args),
                        launcher.serverDir(peer),
                        logs.get(i),
                        line -> {}));
            }
            List<ServerProcess> ready = new ArrayList<>();
            for (ChildProcess p : started) {
                ready.add(new ServerProcess(peer, p, awaitPort(p)));
            }
            return ready;
        } catch (RuntimeException | InterruptedException e) {
            for (ChildProcess p : started) {
                p.close();
            }
            throw e;
        }
    }

    private static int awaitPort(ChildProcess process) throws InterruptedException {
        String ready = process.awaitLine("READY ", Duration.ofSeconds(60));
        return Integer.parseInt(ready.substring("READY ".length()).strip());
    }

    /** The peer this server is. */
    Peer peer() {
        return peer;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** Heap in use after a full GC, in bytes, as the server itself reports it. */
    long heapAfterGc() throws InterruptedException {
        process.send("heap");
        return Long.parseLong(process.awaitLine("HEAP ", Duration.ofSeconds(60))
                .substring("HEAP ".length())
                .strip());
    }

    long rssBytes() {
        return ProcStats.rssBytes(process.pid());
    }

    double cpuSeconds() {
        return ProcStats.cpuSeconds(process.pid());
    }

    /** Tells the server to stop without waiting for it: {@link #close} then waits (the nodes of a cluster stop together). */
    void requestStop() {
        try {
            process.send("stop");
        } catch (UncheckedIOException gone) {
            // it ended already; close() reaps it
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.send("stop");
        } catch (UncheckedIOException gone) {
            // it ended already (the failure that ended it is reported by whoever saw it); reap it below
        }
        process.close();
    }
}
