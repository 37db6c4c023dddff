package dev.pagewire.bench;

import dev.pagewire.bench.pageload.Row;
import java.util.ArrayList;
import java.util.List;

/**
 * A figure as the report shows it: its key in the load generator's or measurer's results, a label
 * with its unit, decimals, and which way is better (for reading the ratios), if either is.
 *
 * @param ranked false for a figure that describes rather than scores (no arrow)
 */
record Metric(String key, String label, int decimals, boolean higherIsBetter, boolean ranked) {

    Metric(String key, String label, int decimals, boolean higherIsBetter) {
        this(key, label, decimals, higherIsBetter, true);
    }

    /** A figure neither better higher nor lower. */
    static Metric neutral(String key, String label, int decimals) {
        return new Metric(key, label, decimals, false, false);
    }

    /** The label with its arrow: ↑ higher is better, ↓ lower is better. */
    String head() {
        return label + (!ranked ? "" : higherIsBetter ? " ↑" : " ↓");
    }

    /** The figures of each case's table, headline first. */
    static List<Metric> of(Case c) {
        return c.scenario() == Scenario.CLUSTER ? cluster(c.part()) : of(c.scenario());
    }

    private static List<Metric> of(Scenario s) {
        return switch (s) {
            case IDLE ->
                List.of(
                        new Metric("rss_per_conn_kb", "server RSS per connection (KiB)", 1, false),
                        new Metric("heap_per_conn_kb", "heap per connection after GC (KiB)", 1, false),
                        new Metric("rss_mb", "server RSS, all connected (MiB)", 0, false),
                        new Metric("rss0_mb", "server RSS, none connected (MiB)", 0, false),
                        new Metric("connect_s", "time to connect them all (s)", 2, false),
                        new Metric("connects_per_s", "connections per second", 0, true));
            case ECHO, FALLBACK ->
                List.of(
                        new Metric("messages_per_s", "messages per second", 0, true),
                        new Metric("p50_us", "round trip p50 (µs)", 0, false),
                        new Metric("p99_us", "round trip p99 (µs)", 0, false),
                        new Metric("p999_us", "round trip p99.9 (µs)", 0, false),
                        new Metric("server_cpu_pct", "server CPU (% of a core)", 0, false),
                        new Metric(Measurer.CPU_PER_UNIT, "server CPU per message (µs)", 1, false),
                        new Metric("load_cpu_pct", "load generator CPU (% of a core)", 0, false));
            case FANOUT ->
                List.of(
                        new Metric("last_ms", "time until the last page has it (ms)", 1, false),
                        new Metric("first_ms", "time until the first page has it (ms)", 1, false),
                        new Metric("last_max_ms", "worst time until the last page (ms)", 1, false),
                        new Metric("deliveries_per_s", "sustained deliveries per second", 0, true),
                        new Metric("server_cpu_pct", "server CPU, sustained (% of a core)", 0, false),
                        new Metric(Measurer.CPU_PER_UNIT, "server CPU per delivery (µs)", 2, false),
                        new Metric("load_cpu_pct", "load generator CPU (% of a core)", 0, false));
            case CHURN ->
                List.of(
                        new Metric("pages_per_s", "pages per second (render + connect + first event)", 0, true),
                        new Metric("cycle_p50_ms", "one page's cycle p50 (ms)", 1, false),
                        new Metric("cycle_p99_ms", "one page's cycle p99 (ms)", 1, false),
                        new Metric("server_cpu_pct", "server CPU (% of a core)", 0, false),
                        new Metric(Measurer.CPU_PER_UNIT, "server CPU per page (µs)", 0, false),
                        new Metric("load_cpu_pct", "load generator CPU (% of a core)", 0, false));
            case CLUSTER -> throw new IllegalArgumentException("the cluster's figures depend on its case");
            case PAGELOAD -> pageLoad();
        };
    }

    /** The page-load scenario's figures, for each row ({@link Row}) in turn. */
    private static List<Metric> pageLoad() {
        List<Metric> m = new ArrayList<>();
        for (Row row : Row.values()) {
            String k = row.key();
            String t = row.title() + ": ";
            m.add(new Metric(k + "_ttc_p50_ms", t + "time to connected p50 (ms)", 1, false));
            m.add(new Metric(k + "_ttc_p90_ms", t + "time to connected p90 (ms)", 1, false));
            m.add(new Metric(k + "_requests", t + "requests to the server per view", 1, false));
            m.add(neutral(k + "_cached", t + "requests answered from the browser's cache per view", 1));
            m.add(new Metric(k + "_kib", t + "KiB received per view", 1, false));
            m.add(new Metric(k + Measurer.CPU_PER_VIEW, t + "server CPU per view (ms)", 1, false));
        }
        return List.copyOf(m);
    }

    /** The figures of the cluster's cases: the nodes' and Redis's CPU together, the load balancers' apart. */
    private static List<Metric> cluster(String part) {
        var cpu = List.of(
                new Metric("server_cpu_pct", "nodes + Redis CPU (% of a core)", 0, false),
                new Metric("redis_cpu_pct", "of which Redis (% of a core)", 0, false),
                new Metric("lb_cpu_pct", "haproxy CPU (% of a core)", 0, false),
                new Metric("load_cpu_pct", "load generator CPU (% of a core)", 0, false));
        List<Metric> m = new ArrayList<>();
        switch (part) {
            case Case.FANOUT -> {
                m.add(new Metric("last_ms", "time until the last page has it (ms)", 1, false));
                m.add(new Metric("first_ms", "time until the first page has it (ms)", 1, false));
                m.add(new Metric("last_max_ms", "worst time until the last page (ms)", 1, false));
                m.add(new Metric("deliveries_per_s", "sustained deliveries per second", 0, true));
                m.add(new Metric(Measurer.CPU_PER_UNIT, "nodes + Redis CPU per delivery (µs)", 2, false));
            }
            case Case.ECHO -> {
                m.add(new Metric("messages_per_s", "messages per second", 0, true));
                m.add(new Metric("p50_us", "round trip p50 (µs)", 0, false));
                m.add(new Metric("p99_us", "round trip p99 (µs)", 0, false));
                m.add(new Metric("p999_us", "round trip p99.9 (µs)", 0, false));
                m.add(new Metric(Measurer.CPU_PER_UNIT, "nodes + Redis CPU per message (µs)", 1, false));
            }
            case Case.POLLING -> {
                m.add(new Metric("messages_per_s", "messages per second", 0, true));
                m.add(new Metric("p50_us", "round trip p50 (µs)", 0, false));
                m.add(new Metric("p99_us", "round trip p99 (µs)", 0, false));
                m.add(new Metric("http_error_pct", "HTTP requests answered with an error (%)", 1, false));
                m.add(new Metric("lost_per_s", "sessions refused or lost per second", 1, false));
                m.add(new Metric("lost_session_unknown_per_s", "of which \"Session ID unknown\" per second", 1, false));
                m.add(neutral("same_node_pct", "requests on the node of the one before on their connection (%)", 0));
                m.add(neutral("http_requests_per_s", "HTTP requests per second", 0));
                m.add(new Metric(Measurer.CPU_PER_UNIT, "nodes + Redis CPU per message (µs)", 1, false));
            }
            default -> throw new IllegalArgumentException("no cluster case '" + part + "'");
        }
        m.addAll(cpu);
        return List.copyOf(m);
    }
}
