package dev.pagewire.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says about a process under {@code /proc}: resident memory and CPU time. The bench
 * measures servers from outside, the same way for the JVM and for Node.
 */
final class ProcStats {

    /** Clock ticks per second of {@code /proc/<pid>/stat} times: 100 on every Linux we know of. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {}

    /** Resident set size (VmRSS) in bytes. */
    static long rssBytes(long pid) {
        for (String line : lines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
    }

    /** User plus system CPU time the process has used so far (all its threads), in seconds. */
    static double cpuSeconds(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // Fields after the command name, which is in parentheses and may contain spaces.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }

    /** The machine's 1-minute load average (runnable and waiting tasks, all CPUs together). */
    static double loadAverage() {
        return Double.parseDouble(read(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    /** The soft limit of open files of this process (the children inherit it). */
    static long openFilesLimit() {
        for (String line : lines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        throw new IllegalStateException("no 'Max open files' in /proc/self/limits");
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static java.util.List<String> lines(Path file) {
        return read(file).lines().toList();
    }
}
