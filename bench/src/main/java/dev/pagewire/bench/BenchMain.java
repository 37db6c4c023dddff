package dev.pagewire.bench;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bench orchestrator: plans the cases, runs each for each server in fresh processes (a server
 * process, a load-generator process), and writes {@code docs/BENCHMARKS.md} with its charts. Run by
 * {@code bench/run}; {@code --help} lists the options ({@link BenchOptions}). Exits 0 when every
 * case produced figures, 1 when some failed (the report says which and why), 2 for bad options.
 */
public final class BenchMain {

    private BenchMain() {}

    /** Runs the bench with the options of {@link BenchOptions#USAGE}, or redraws a report with {@code --from}. */
    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--help")) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        if (args.length >= 2 && args[0].equals("--from")) {
            redraw(Path.of(args[1]), List.of(args).subList(2, args.length));
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        System.exit(run(options, String.join(" ", args)) ? 0 : 1);
    }

    /**
     * Redraws the report from a run log ({@code --from docs/bench/runs.tsv}) with the options of the
     * run that measured it; {@code later} options (e.g. {@code --out}) take precedence. A log whose
     * run took the default servers (or scenarios) is drawn with the servers (and scenarios) it has
     * lines for, so that those added to the defaults since do not show as empty columns or sections.
     */
    static void redraw(Path runLog, List<String> later) {
        RunLog.Loaded log = RunLog.read(runLog);
        List<String> args = new ArrayList<>(
                log.options().isBlank() ? List.of() : List.of(log.options().split(" ")));
        if (!args.contains("--peers")) {
            List<String> measured = Arrays.stream(Peer.values())
                    .filter(p -> log.runs().stream()
                            .anyMatch(line -> line[1].startsWith(p.flag() + "-")
                                    && !line[1].substring(p.flag().length() + 1).contains("-")))
                    .map(Peer::flag)
                    .toList();
            if (!measured.isEmpty()) {
                args.addAll(List.of("--peers", String.join(",", measured)));
            }
        }
        if (!args.contains("--scenarios")) {
            // A log from before a scenario existed has no lines for it: draw it without that scenario.
            List<String> measured = Arrays.stream(Scenario.values())
                    .filter(s -> log.runs().stream().anyMatch(line -> line[0].startsWith(s.flag() + "-")))
                    .map(Scenario::flag)
                    .toList();
            if (!measured.isEmpty()) {
                args.addAll(List.of("--scenarios", String.join(",", measured)));
            }
        }
        args.addAll(later);
        BenchOptions options = BenchOptions.parse(args.toArray(String[]::new));
        Plan plan = Plan.of(options, ProcStats.openFilesLimit());
        var results = new Results();
        for (String[] line : log.runs()) {
            plan.cases().stream()
                    .filter(c -> c.id().equals(line[0]))
                    .findFirst()
                    .ifPresent(c -> c.subjects().stream()
                            .filter(s -> s.id().equals(line[1]))
                            .findFirst()
                            .ifPresent(s -> {
                                String failure = RunLog.failureOf(line);
                                if (failure != null) {
                                    results.fail(c, s, failure);
                                } else {
                                    results.add(c, s, RunLog.figures(line));
                                }
                            }));
        }
        RunLog.write(options.charts().resolve("runs.tsv"), log.options(), log.machine(), log.runs());
        new Report(options, plan, results, log.machine()).write(findings(options), log.options());
        progress("bench: redrew " + options.out() + " from " + runLog);
    }

    /** Runs the bench and writes the report; true when every case produced figures. */
    static boolean run(BenchOptions options, String commandLine) throws InterruptedException {
        if (options.peers().stream().anyMatch(Peer::onNode) && !SocketIoInstall.installed(options.socketio())) {
            throw new IllegalStateException(
                    "Socket.IO is not installed in " + options.socketio().toAbsolutePath()
                            + ": run `npm ci` there (bench/run does), or leave it out with --peers "
                            + BenchOptions.PEERS_WITHOUT_NODE);
        }
        String tools = ClusterRun.missingTools();
        if (options.scenarios().contains(Scenario.CLUSTER) && tools != null) {
            throw new IllegalStateException("the cluster scenario needs " + tools
                    + " (Debian: apt-get install redis-server haproxy), or leave it out with --scenarios");
        }
        if (options.scenarios().contains(Scenario.PAGELOAD) && !Files.isExecutable(options.chromium())) {
            throw new IllegalStateException("the pageload scenario needs Chromium at " + options.chromium()
                    + " (Debian: apt-get install chromium; or name it with --chromium), or leave it out with"
                    + " --scenarios");
        }
        Plan plan = Plan.of(options, ProcStats.openFilesLimit());
        Map<String, String> machine = Machine.facts(options);
        Path logs = logs();
        var results = new Results();
        List<String[]> runLog = new ArrayList<>();
        long start = System.nanoTime();
        List<Plan.Step> steps = plan.steps(options.smoke());
        int total = options.runs() * steps.size();
        int done = 0;
        progress("bench: " + plan.cases().size() + " cases, " + total + " server runs; logs in " + logs);
        plan.notes().forEach(n -> progress("note: " + n));
        try (var measurer = new Measurer(options, new Launcher(options), logs, line -> progress("    " + line))) {
            for (int run = 1; run <= options.runs(); run++) {
                for (Plan.Step step : steps) {
                    Case c = step.c();
                    Subject s = step.s();
                    done++;
                    progress(String.format(
                            Locale.ROOT,
                            "[%d/%d, %.0f s] run %d: %s, %s",
                            done,
                            total,
                            (System.nanoTime() - start) / 1e9,
                            run,
                            c.title(),
                            s.title()));
                    try {
                        Map<String, Double> figures = measurer.measure(c, s, run);
                        results.add(c, s, figures);
                        runLog.add(RunLog.line(c, s, figures));
                        progress("    " + figures);
                    } catch (IllegalStateException | UncheckedIOException | NumberFormatException e) {
                        results.fail(c, s, e.getMessage());
                        runLog.add(RunLog.failure(c, s, e.getMessage()));
                        progress("    FAILED: " + e.getMessage());
                    }
                }
            }
        }
        RunLog.write(options.charts().resolve("runs.tsv"), commandLine, machine, runLog);
        new Report(options, plan, results, machine).write(findings(options), commandLine);
        progress(String.format(
                Locale.ROOT,
                "bench: wrote %s and charts in %s in %.0f s",
                options.out(),
                options.charts(),
                (System.nanoTime() - start) / 1e9));
        return results.complete(plan.cases());
    }

    /** The hand-written findings beside the Socket.IO server: {@code bench/FINDINGS.md}. */
    private static Path findings(BenchOptions options) {
        return options.socketio().toAbsolutePath().getParent().resolve("FINDINGS.md");
    }

    private static Path logs() {
        try {
            return Files.createTempDirectory("pagewire-bench-");
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("cannot make a directory for the logs: " + e.getMessage(), e);
        }
    }

    private static void progress(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
