package dev.pagewire.bench;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/** A server under test, started fresh for one case and one run, and measured from outside. */
final class ServerProcess implements AutoCloseable {

    private final ChildProcess process;
    private final int port;

    private ServerProcess(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the server for {@code peer}, its stderr to {@code log}, and waits until it listens. */
    static ServerProcess start(Launcher launcher, Peer peer, Path log, Path jfr) throws InterruptedException {
        var process = ChildProcess.start(
                peer.title() + " server", launcher.server(peer, jfr), launcher.serverDir(peer), log, line -> {});
        try {
            String ready = process.awaitLine("READY ", Duration.ofSeconds(60));
            return new ServerProcess(
                    process, Integer.parseInt(ready.substring("READY ".length()).strip()));
        } catch (RuntimeException | InterruptedException e) {
            process.close();
            throw e;
        }
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
