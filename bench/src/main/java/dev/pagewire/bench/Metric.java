package dev.pagewire.bench;

import java.util.List;

/**
 * A figure as the report shows it: its key in the load generator's or measurer's results, a label
 * with its unit, decimals, and which way is better (for reading the ratios).
 */
record Metric(String key, String label, int decimals, boolean higherIsBetter) {

    /** The figures of each scenario's table, headline first. */
    static List<Metric> of(Scenario s) {
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
        };
    }
}
