package dev.pagewire.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * Writes {@code BENCHMARKS.md}: the machine, the goals, one table per case with medians and ratios
 * to Socket.IO and raw Netty (and one of Pagewire on each of its servers, when containers ran), the
 * charts, and how it was measured. Hand-written findings (the profile, what is left) come from
 * {@code bench/FINDINGS.md} when it exists, so that regenerating the report keeps them.
 */
final class Report {

    static final String COMMAND = "bench/run";

    private final BenchOptions options;
    private final Plan plan;
    private final Results results;
    private final Map<String, String> machine;
    private final StringBuilder md = new StringBuilder();

    Report(BenchOptions options, Plan plan, Results results, Map<String, String> machine) {
        this.options = options;
        this.plan = plan;
        this.results = results;
        this.machine = machine;
    }

    /** Writes the report and its charts. */
    void write(Path findings, String commandLine) {
        line("# Benchmarks");
        line("");
        line("Pagewire against the peers users would pick instead: **Socket.IO 4** on Node, and a **raw Netty**");
        line("WebSocket echo server as the floor of what the JVM can do.");
        if (containers()) {
            line("Pagewire runs on its own server (`PagewireServer`, on Netty), and in the echo, fallback and churn");
            line("scenarios also in **Tomcat 11** and **Jetty 12.1** through `pagewire-servlet`'s filter: the same");
            line("application under the same load, so that what each server costs shows.");
        }
        line("");
        line("Regenerate with one command from the repository root (it builds what it needs, installs Socket.IO");
        line("with `npm ci`, and writes this file and the charts in `docs/bench/`):");
        line("");
        line("```sh");
        line(COMMAND);
        line("```");
        line("");
        line("This run: `" + (COMMAND + " " + commandLine).strip() + "`"
                + (options.smoke() ? " — **smoke-sized: the figures mean nothing**" : "") + ". Every figure is the"
                + " median of " + options.runs() + " run" + (options.runs() > 1 ? "s" : "") + "; each run starts a"
                + " fresh server process and a fresh load-generator process. Ratios are Pagewire ÷ peer"
                + (containers()
                        ? " (Pagewire on its own server), and in each case's table of servers Pagewire in a"
                                + " container ÷ Pagewire on its own server"
                        : "")
                + " (↑ higher is better, ↓ lower is better). The raw figures of every run are in"
                + " [bench/runs.tsv](bench/runs.tsv).");
        line("");
        machine();
        goals();
        for (Scenario s : Scenario.values()) {
            List<Case> cases =
                    plan.cases().stream().filter(c -> c.scenario() == s).toList();
            if (!cases.isEmpty()) {
                scenario(s, cases);
            }
        }
        method();
        if (findings != null && Files.isRegularFile(findings)) {
            line(ProcStats.read(findings).strip());
            line("");
        }
        try {
            Files.createDirectories(options.out().toAbsolutePath().getParent());
            Files.writeString(options.out(), md.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + options.out() + ": " + e.getMessage(), e);
        }
    }

    /** Whether Pagewire in a Servlet container is among the servers of this run. */
    private boolean containers() {
        return options.peers().stream().anyMatch(Peer::inContainer);
    }

    private void machine() {
        line("## Machine");
        line("");
        line("| | |");
        line("|---|---|");
        machine.forEach((k, v) -> line("| " + k + " | " + v + " |"));
        double[] load = results.everyRun(Measurer.MACHINE_LOAD);
        if (load.length > 0) {
            line("| machine load average as runs started | "
                    + String.format(
                            Locale.ROOT,
                            "min %.1f, median %.1f, max %.1f (1-minute; %d cores: above that, other work competed for"
                                    + " the CPUs — the machine is shared with other builds)",
                            load[0],
                            load[load.length / 2],
                            load[load.length - 1],
                            Runtime.getRuntime().availableProcessors())
                    + " |");
        }
        line("");
    }

    private void goals() {
        line("## Goals");
        line("");
        line("| goal | measured (Pagewire ÷ peer) | met |");
        line("|---|---|---|");
        for (Goals.Outcome o : Goals.check(plan.cases(), results)) {
            line("| " + o.goal() + " | " + o.measured() + " | "
                    + (o.met() == null ? "—" : o.met() ? "**met**" : "**not met**") + " |");
        }
        line("");
    }

    private void scenario(Scenario s, List<Case> cases) {
        line("## " + (s.ordinal() + 1) + ". " + s.title());
        line("");
        if (s == Scenario.CLUSTER) {
            ClusterSection.intro(options).forEach(this::line);
        }
        if (s == Scenario.PAGELOAD) {
            PageLoadSection.intro().forEach(this::line);
        }
        for (String chart : charts(s, cases)) {
            line("![" + s.title() + "](bench/" + chart + ")");
            line("");
        }
        for (Case c : cases) {
            table(c);
        }
        if (s == Scenario.IDLE) {
            plan.notes().forEach(n -> line("- " + n));
            if (!plan.notes().isEmpty()) {
                line("");
            }
        }
    }

    private void table(Case c) {
        line("### " + c.title());
        line("");
        List<Subject> compared =
                c.subjects().stream().filter(x -> !x.peer().variant()).toList();
        if (c.scenario() == Scenario.CLUSTER) {
            grid(c, "figure", compared, Subject::title, ClusterSection.ratios(c));
            ClusterSection.notes(c, results).forEach(n -> line("- " + n));
            line("");
        } else if (c.scenario() == Scenario.PAGELOAD) {
            PageLoadSection.table(c, results).forEach(this::line);
        } else if (!compared.isEmpty()) {
            List<Subject> ours =
                    compared.stream().filter(x -> x.peer() == Peer.PAGEWIRE).toList();
            List<Subject> theirs =
                    compared.stream().filter(x -> !x.peer().isPagewire()).toList();
            List<Ratio> ratios = new ArrayList<>();
            for (Subject o : ours) {
                for (Peer p : theirs.stream().map(Subject::peer).distinct().toList()) {
                    Subject t = theirs.stream()
                            .filter(x -> x.peer() == p)
                            .findFirst()
                            .orElseThrow();
                    ratios.add(new Ratio(o.title() + " ÷ " + p.title(), o, t));
                }
            }
            grid(c, "figure", compared, Subject::title, ratios);
        }
        servers(c);
        boolean incomplete = false;
        for (Subject x : c.subjects()) {
            int count = results.count(c, x);
            if (count < options.runs()) {
                incomplete = true;
                String failure = results.failure(c, x);
                line("- " + x.title() + ": " + count + " of " + options.runs() + " runs produced figures"
                        + (failure == null ? "." : "; a failed one said: " + oneLine(failure)));
            }
        }
        if (incomplete) {
            line("");
        }
    }

    /**
     * Pagewire on each of its servers, a table per transport: its own server, then each container
     * with its ratio to the own server.
     */
    private void servers(Case c) {
        List<Subject> containers =
                c.subjects().stream().filter(x -> x.peer().variant()).toList();
        if (containers.isEmpty()) {
            return;
        }
        line("Pagewire on each server: its own (`PagewireServer`, Netty), Servlet containers (`PagewireFilter`)");
        line("and, in echo, its own with its meters bound (`PagewireMetrics` into a Prometheus registry, scraped");
        line("every 10 s): the same application under the same load; ratios are each ÷ `PagewireServer`.");
        line("");
        for (String transport :
                containers.stream().map(Subject::transport).distinct().toList()) {
            List<Subject> columns = c.subjects().stream()
                    .filter(x -> x.peer().isPagewire() && x.transport().equals(transport))
                    .toList();
            Subject own = columns.stream()
                    .filter(x -> x.peer() == Peer.PAGEWIRE)
                    .findFirst()
                    .orElse(null);
            List<Ratio> ratios = own == null
                    ? List.of()
                    : columns.stream()
                            .filter(x -> x.peer().variant())
                            .map(x -> new Ratio(
                                    x.peer().server() + " ÷ " + own.peer().server(), x, own))
                            .toList();
            grid(
                    c,
                    "Pagewire over "
                            + switch (transport) {
                                case "ws" -> "WebSocket";
                                case "sse" -> "SSE + POST";
                                case "lp" -> "long-polling + POST";
                                default -> transport;
                            },
                    columns,
                    x -> x.peer().server(),
                    ratios);
        }
    }

    /** A ratio column: {@code ours} ÷ {@code theirs}. */
    record Ratio(String head, Subject ours, Subject theirs) {}

    /** A table of the case's figures, one row each, for {@code columns} and then {@code ratios}. */
    private void grid(
            Case c, String corner, List<Subject> columns, Function<Subject, String> heads, List<Ratio> ratios) {
        var head = new StringBuilder("| " + corner + " |");
        var rule = new StringBuilder("|---|");
        for (Subject x : columns) {
            head.append(' ').append(heads.apply(x)).append(" |");
            rule.append("---:|");
        }
        for (Ratio r : ratios) {
            head.append(' ').append(r.head()).append(" |");
            rule.append("---:|");
        }
        line(head.toString());
        line(rule.toString());
        for (Metric m : Metric.of(c)) {
            var row = new StringBuilder("| " + m.head() + " |");
            for (Subject x : columns) {
                OptionalDouble v = results.median(c, x, m.key());
                row.append(' ')
                        .append(v.isPresent() ? number(v.getAsDouble(), m.decimals()) : missing(c, x))
                        .append(" |");
            }
            for (Ratio r : ratios) {
                OptionalDouble ratio = ratio(c, results, m.key(), r.ours(), r.theirs());
                row.append(' ')
                        .append(ratio.isPresent() ? times(ratio.getAsDouble()) : "—")
                        .append(" |");
            }
            line(row.toString());
        }
        line("");
    }

    private String missing(Case c, Subject x) {
        String failure = results.failure(c, x);
        return failure == null ? "—" : "failed (see below)";
    }

    /** Which charts a scenario gets; each drawn now, named as returned. */
    private List<String> charts(Scenario s, List<Case> cases) {
        return switch (s) {
            case IDLE ->
                List.of(chart(
                        "idle-memory.png",
                        "Server RSS per idle connection",
                        "KiB per connection",
                        cases,
                        "rss_per_conn_kb"));
            case ECHO ->
                List.of(
                        chart(
                                "echo-throughput.png",
                                "Echo throughput, " + cases.get(0).title(),
                                "messages per second",
                                cases,
                                "messages_per_s"),
                        percentiles(
                                "echo-latency.png",
                                "Echo round trip, " + cases.get(0).title(),
                                cases.get(0)));
            case FANOUT ->
                List.of(chart(
                        "fanout.png",
                        "Fan-out: time until the last page has the event",
                        "milliseconds",
                        cases,
                        "last_ms"));
            case FALLBACK ->
                List.of(chart(
                        "fallback.png",
                        "Echo over HTTP fallbacks, " + cases.get(0).title(),
                        "messages per second",
                        cases,
                        "messages_per_s"));
            case CLUSTER ->
                List.of(chart(
                        "cluster-fanout.png",
                        "Three nodes: time until the last page has a broadcast",
                        "milliseconds",
                        cases.stream().filter(c -> c.part().equals(Case.FANOUT)).toList(),
                        "last_ms"));
            case PAGELOAD -> {
                Charts.bar(
                        options.charts().resolve("pageload.png"),
                        "Page load in Chromium: navigation start to channel connected (p50)",
                        "milliseconds",
                        PageLoadSection.chart(cases.get(0), results));
                yield List.of("pageload.png");
            }
            case CHURN ->
                List.of(chart(
                        "churn.png",
                        "Page churn: render + connect + first event",
                        "pages per second",
                        cases,
                        "pages_per_s"));
        };
    }

    private String chart(String file, String title, String axis, List<Case> cases, String figure) {
        Map<String, Map<String, Double>> values = new LinkedHashMap<>();
        for (Case c : cases) {
            Map<String, Double> bySubject = new LinkedHashMap<>();
            for (Subject x : c.subjects()) {
                results.median(c, x, figure).ifPresent(v -> bySubject.put(x.title(), v));
            }
            values.put(c.title(), bySubject);
        }
        Charts.bar(options.charts().resolve(file), title, axis, values);
        return file;
    }

    private String percentiles(String file, String title, Case c) {
        Map<String, Map<String, Double>> values = new LinkedHashMap<>();
        for (String[] p : new String[][] {{"p50", "p50_us"}, {"p99", "p99_us"}, {"p99.9", "p999_us"}}) {
            Map<String, Double> bySubject = new LinkedHashMap<>();
            for (Subject x : c.subjects()) {
                results.median(c, x, p[1]).ifPresent(v -> bySubject.put(x.title(), v / 1000));
            }
            values.put(p[0], bySubject);
        }
        Charts.bar(options.charts().resolve(file), title, "milliseconds, log scale (lower is better)", values, true);
        return file;
    }

    private void method() {
        line("## How it is measured");
        line("");
        line("- Every server is its own process, started fresh for every case and run, listening on 127.0.0.1;");
        line("  the load generator is another process (a lean Netty client, `dev.pagewire.bench.load`). It");
        line("  speaks each peer's own protocol as its browser client would: Pagewire renders the page with a");
        line("  GET, reads the token and opens `ws://…/echo?pagewire=TOKEN&ack=0` (or SSE + POST, or");
        line("  long-polling, PROTOCOL.md §8), numbers its events and acks (§10); Socket.IO is Engine.IO v4");
        line("  (`/socket.io/?EIO=4&transport=websocket`, or `polling`); raw Netty is plain text frames.");
        line("- Idle: the server's RSS (`VmRSS` of `/proc/<pid>/status`) and heap after a full GC (the JVM's");
        line("  heap in use; Node's `heapUsed`), with no connection and with all connected; per connection is");
        line("  the difference divided by the count. For Pagewire a connected page includes its render (the");
        line("  GET that makes the page and its token) and its live `Page` object; for the peers it is a socket.");
        line("- Echo: closed-loop clients, each sends an event carrying its send time and sends the next when");
        line("  the answer comes back; round trips go to an HdrHistogram. Warm-up " + options.warmupMs() + " ms, then "
                + options.durationMs() + " ms measured.");
        line("  CPU is user + system time of the process (`/proc/<pid>/stat`) over the measured interval;");
        line("  CPU per message (delivery, page) is that time over the work done in it. On a machine shared");
        line("  with other work, rates and latencies move with the others' load, CPU per unit of work much less.");
        line("- Fan-out: every page is in the topic at connect; one page sends `fanout`, the server broadcasts");
        line("  to all. After " + options.warmupMs() + " ms of warm-up with 4 broadcasts in flight, "
                + options.broadcasts() + " broadcasts one at a time,");
        line("  each timed from the send until the last page has it (median shown); then " + options.durationMs()
                + " ms with 4");
        line("  broadcasts in flight, counting deliveries per second. Pagewire's pages ack as its clients do");
        line("  (§10.2: on their next frame, else after 5 s, at once at 64 frames); Socket.IO's do not ack.");
        line("- Fallbacks: the echo over Pagewire's SSE + POST and long-polling + POST against Socket.IO's");
        line("  HTTP long-polling (raw Netty has none). Page churn: each opener renders the page (GET),");
        line("  connects, sends a first event, waits for its answer and leaves (Pagewire: `[\"bye\"]`), in a loop.");
        line("  The openers are spread over " + options.loadProcesses()
                + " load-generator processes (`--load-processes`;" + " one was the limit of");
        line("  churn) run in step: each warms up, then all start their measured interval together; pages per");
        line("  second and the load generator's CPU are their sums (so over 100% of a core when they have more),");
        line("  the cycle's percentiles those of their HdrHistograms merged. Churn warms up for "
                + options.churnWarmupMs() + " ms (`--churn-warmup-ms`):");
        line("  it runs the widest code (render, handshake, WebSocket, close), and the JVM's JIT settles on it last.");
        if (containers()) {
            line("- Pagewire on Tomcat and on Jetty: the same application (`PagewireBenchServer.routes`) installed");
            line("  with `PagewireFilter.install` in an embedded Tomcat 11 or Jetty 12.1 (ee11) with the container's");
            line("  Jakarta WebSocket layer (`TomcatBenchServer`, `JettyBenchServer`), on the flags of the other JVM");
            line("  servers. Each container keeps its defaults (up to 200 request threads) but one: Tomcat serves any");
            line("  number of requests on a keep-alive connection (its default closes one after 100, and a browser");
            line("  then opens another; the load generator does not). They run echo, fallback and churn, what a");
            line("  server costs per message and per page; idle and fan-out leave them out, as their large sizes take");
            line("  the longest.");
        }
        if (options.scenarios().contains(Scenario.CLUSTER)) {
            ClusterSection.method(options).forEach(this::line);
        }
        if (options.scenarios().contains(Scenario.PAGELOAD)) {
            PageLoadSection.method(options).forEach(this::line);
        }
        line("- Runs are interleaved (run 1 of every case, then run 2, …) so that drift of the machine spreads");
        line("  over all subjects; the tables show medians.");
        line("");
    }

    /** Pagewire's median over the peer's, or empty when either is missing. */
    static OptionalDouble ratio(Case c, Results r, String figure, Subject ours, Peer peer) {
        return c.subjects().stream()
                .filter(x -> x.peer() == peer)
                .findFirst()
                .map(theirs -> ratio(c, r, figure, ours, theirs))
                .orElse(OptionalDouble.empty());
    }

    /** One subject's median over another's, or empty when either is missing. */
    static OptionalDouble ratio(Case c, Results r, String figure, Subject ours, Subject theirs) {
        OptionalDouble a = r.median(c, ours, figure);
        OptionalDouble b = r.median(c, theirs, figure);
        if (a.isEmpty() || b.isEmpty() || b.getAsDouble() == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(a.getAsDouble() / b.getAsDouble());
    }

    static String times(double ratio) {
        return "×" + String.format(Locale.ROOT, ratio >= 10 ? "%.1f" : "%.2f", ratio);
    }

    /** A failure's text on one line of a Markdown table or list, at most 400 characters. */
    private static String oneLine(String text) {
        String line = String.join(
                        " / ",
                        text.lines()
                                .map(String::strip)
                                .filter(l -> !l.isEmpty())
                                .toList())
                .replace("|", "/");
        return "`" + (line.length() <= 400 ? line : line.substring(0, 400) + "…").replace("`", "'") + "`";
    }

    private static String number(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    private void line(String text) {
        md.append(text).append('\n');
    }
}
