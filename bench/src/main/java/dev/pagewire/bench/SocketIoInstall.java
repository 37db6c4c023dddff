package dev.pagewire.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Whether the Socket.IO server's packages are installed, and installing them with {@code npm ci}. */
final class SocketIoInstall {

    private SocketIoInstall() {}

    /**
     * Whether the packages of the committed lock file are installed: every package npm recorded in
     * {@code node_modules/.package-lock.json} matches {@code package-lock.json}, so a checkout whose
     * lock file gained packages (the cluster's Redis adapters) installs again rather than failing.
     */
    static boolean installed(Path dir) {
        Path recorded = dir.resolve("node_modules/.package-lock.json");
        if (!Files.isRegularFile(dir.resolve("node_modules/socket.io/package.json"))
                || !Files.isRegularFile(recorded)) {
            return false;
        }
        try {
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            var wanted =
                    json.readTree(dir.resolve("package-lock.json").toFile()).path("packages");
            var have = json.readTree(recorded.toFile()).path("packages");
            for (var entry : wanted.properties()) {
                if (!entry.getKey().isEmpty()
                        && !entry.getValue()
                                .path("version")
                                .equals(have.path(entry.getKey()).path("version"))) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Runs {@code npm ci} in {@code dir} unless the packages are there already (from the committed
     * lock file, so the same versions every time).
     *
     * @return null when installed, else what went wrong and what to do
     */
    static String ensure(Path dir) throws InterruptedException {
        if (installed(dir)) {
            return null;
        }
        Path log = dir.resolve("npm-ci.log");
        try {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!npm.waitFor(5, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                return "npm ci in " + dir + " took over 5 minutes (log: " + log + ")";
            }
            if (npm.exitValue() != 0 || !installed(dir)) {
                return "npm ci in " + dir + " failed with exit " + npm.exitValue() + " (log: " + log
                        + "); Socket.IO needs Node 20+ and npm with access to the npm registry";
            }
            return null;
        } catch (IOException e) {
            return "cannot run npm (" + e.getMessage()
                    + "): install Node 20+ and npm (Debian: apt-get install nodejs npm)";
        }
    }
}
