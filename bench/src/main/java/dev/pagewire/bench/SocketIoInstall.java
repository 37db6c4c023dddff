package dev.pagewire.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Whether the Socket.IO server's packages are installed, and installing them with {@code npm ci}. */
final class SocketIoInstall {

    private SocketIoInstall() {}

    static boolean installed(Path dir) {
        return Files.isRegularFile(dir.resolve("node_modules/socket.io/package.json"));
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
