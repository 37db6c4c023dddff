package dev.pagewire.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The facts about the machine and the runtimes that the report states with its figures. */
final class Machine {

    private Machine() {}

    /** Label → value, in the order to print. */
    static Map<String, String> facts(BenchOptions o) throws InterruptedException {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("measured", ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
        f.put("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores (nproc)");
        f.put("memory", meminfo("MemTotal") / 1024 / 1024 + " MiB");
        f.put(
                "kernel",
                "Linux " + ProcStats.read(Path.of("/proc/sys/kernel/osrelease")).strip());
        f.put(
                "JDK",
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                        + Runtime.version());
        f.put("Node", command(o, "node", "--version"));
        f.put("Socket.IO", packageVersion(o, "socket.io"));
        if (o.scenarios().contains(Scenario.CLUSTER)) {
            f.put(
                    "cluster",
                    "Redis " + command(o, "redis-server", "--version").replaceAll(".*\\bv=(\\S+).*", "$1")
                            + " (no persistence), "
                            + command(o, "haproxy", "-v").replaceAll(" - https?://\\S+", "")
                            + "; Socket.IO's @socket.io/redis-adapter " + packageVersion(o, "@socket.io/redis-adapter")
                            + ", @socket.io/redis-streams-adapter "
                            + packageVersion(o, "@socket.io/redis-streams-adapter") + ", redis (client) "
                            + packageVersion(o, "redis"));
        }
        if (o.scenarios().contains(Scenario.PAGELOAD)) {
            f.put(
                    "page load",
                    chromiumVersion(o) + " (headless, " + o.chromium() + "), Playwright for Java "
                            + playwrightVersion()
                            + "; Chromium, Playwright's driver and the page-load process on the load generator's CPU");
        }
        f.put("open files per process", Long.toString(ProcStats.openFilesLimit()));
        f.put(
                "JVM servers' flags",
                String.join(" ", Launcher.SERVER_JVM_FLAGS)
                        + " (Pagewire on each server and raw Netty alike; Netty NIO, its default event-loop threads)");
        if (o.peers().stream().anyMatch(Peer::inContainer)) {
            f.put(
                    "Servlet containers",
                    org.apache.catalina.util.ServerInfo.getServerInfo() + ", Jetty "
                            + org.eclipse.jetty.util.Jetty.VERSION
                            + " (ee11), embedded, each with its default thread pool;"
                            + " Pagewire through pagewire-servlet's PagewireFilter");
        }
        f.put("Node flags", "--expose-gc (for the heap figure; Socket.IO with its defaults, no compression)");
        f.put(
                "load generator",
                "one JVM (" + String.join(" ", Launcher.LOAD_JVM_FLAGS)
                        + "), Netty NIO, one event-loop thread per core it may use"
                        + (o.scenarios().contains(Scenario.CHURN)
                                ? "; churn's openers spread over " + o.loadProcesses()
                                        + " such JVMs run in step (--load-processes: one JVM was the limit of"
                                        + " churn), their rates and CPU added up, their cycle histograms merged"
                                : "")
                        + "; long-lived connections spread over source addresses 127.0.0.2–127.0.0.17,"
                        + " short ones (page GETs, churn) on addresses and ports the kernel picks");
        f.put(
                "CPU pinning",
                o.pin()
                        ? "each server on CPU " + Launcher.SERVER_CPU + ", the load generators on CPU "
                                + Launcher.LOAD_CPU
                                + " (taskset; every other core): a server has one core, and the load generators"
                                + " never take it"
                                + (o.scenarios().contains(Scenario.CLUSTER)
                                        ? "; a cluster's three nodes, its Redis and its haproxy all share CPU "
                                                + Launcher.SERVER_CPU + ", the one core a single server has"
                                        : "")
                        : "none (--no-pin): servers and load generator share all cores");
        return f;
    }

    private static String cpuModel() {
        return ProcStats.read(Path.of("/proc/cpuinfo"))
                .lines()
                .filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip())
                .findFirst()
                .orElse("unknown CPU");
    }

    private static long meminfo(String key) {
        return ProcStats.read(Path.of("/proc/meminfo"))
                        .lines()
                        .filter(l -> l.startsWith(key + ":"))
                        .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                        .findFirst()
                        .orElse(0)
                * 1024;
    }

    /** The version of an npm package installed for the Socket.IO server. */
    private static String packageVersion(BenchOptions o, String name) {
        Path pkg = o.socketio().resolve("node_modules/" + name + "/package.json");
        if (!Files.isRegularFile(pkg)) {
            return "not installed";
        }
        var m = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"")
                .matcher(ProcStats.read(pkg));
        return m.find() ? m.group(1) : "unknown";
    }

    /**
     * {@code Chromium 156.0…} from what {@code chromium --version} prints: Debian's wrapper script
     * may print a shell warning before it.
     */
    private static String chromiumVersion(BenchOptions o) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(o.chromium().toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            var m = java.util.regex.Pattern.compile("Chromium \\S+").matcher(out);
            return m.find() ? m.group() : "(" + o.chromium() + " --version said: " + out.strip() + ")";
        } catch (IOException e) {
            return "(not found: " + e.getMessage() + ")";
        }
    }

    /** Playwright's version from its Maven metadata, which the shaded jar keeps. */
    private static String playwrightVersion() {
        try (var in = Machine.class.getResourceAsStream(
                "/META-INF/maven/com.microsoft.playwright/playwright/pom.properties")) {
            var p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "(unknown)");
        } catch (IOException e) {
            return "(unknown: " + e.getMessage() + ")";
        }
    }

    /** The first line a command prints, or what went wrong. */
    static String command(BenchOptions o, String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "(" + command[0] + " did not answer)";
            }
            return p.exitValue() == 0 ? out.lines().findFirst().orElse("") : "(" + command[0] + " failed: " + out + ")";
        } catch (IOException e) {
            return "(not found: " + e.getMessage() + ")";
        }
    }
}
