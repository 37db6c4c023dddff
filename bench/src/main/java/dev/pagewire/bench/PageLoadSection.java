package dev.pagewire.bench;

import dev.pagewire.bench.pageload.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What the report says of the page-load scenario: one table with a line per {@link Row} (the
 * figures of a row side by side for Pagewire and Socket.IO, with the ratios of the times), the
 * chart's values, and how it was measured.
 */
final class PageLoadSection {

    private PageLoadSection() {}

    /** The paragraph before the table. */
    static List<String> intro() {
        return List.of(
                "Headless Chromium opens one page view after another: Pagewire's page (`/pageload`, minimal HTML",
                "whose module script notes when `window.pagewire` reaches state `connected`) on its own server, and",
                "the same page on the Socket.IO server, loading `/socket.io/socket.io.js` from it and noting the",
                "socket's first `connect`. Each figure is measured in the page: `performance.now()` at connected is",
                "the time from navigation start; the requests and bytes are those of the navigation and of every",
                "request finished by then (Resource Timing), plus the WebSocket when the channel connected over",
                "one. Whatever each server serves is measured as served: its HTML, its client's files, their",
                "caching headers and compression.",
                "");
    }

    /** The table: one line per row, Pagewire and Socket.IO side by side. */
    static List<String> table(Case c, Results r) {
        List<Subject> columns = c.subjects();
        Subject ours = find(c, Peer.PAGEWIRE);
        Subject theirs = find(c, Peer.SOCKETIO);
        boolean ratios = ours != null && theirs != null;
        var head = new StringBuilder("| row |");
        var rule = new StringBuilder("|---|");
        for (String figure : List.of("time to connected p50 (ms) ↓", "p90 (ms) ↓")) {
            for (Subject x : columns) {
                head.append(' ').append(x.title()).append(' ').append(figure).append(" |");
                rule.append("---:|");
            }
            if (ratios) {
                head.append(" Pagewire ÷ Socket.IO |");
                rule.append("---:|");
            }
        }
        for (String figure : List.of("requests per view ↓", "KiB per view ↓", "server CPU per view (ms) ↓")) {
            for (Subject x : columns) {
                head.append(' ').append(x.title()).append(' ').append(figure).append(" |");
                rule.append("---:|");
            }
        }
        List<String> lines = new ArrayList<>(List.of(head.toString(), rule.toString()));
        for (Row row : Row.values()) {
            var line = new StringBuilder("| " + row.title() + " |");
            for (String figure : List.of("_ttc_p50_ms", "_ttc_p90_ms")) {
                for (Subject x : columns) {
                    line.append(' ')
                            .append(value(c, r, x, row.key() + figure, 1))
                            .append(" |");
                }
                if (ratios) {
                    OptionalDouble v = Report.ratio(c, r, row.key() + figure, ours, theirs);
                    line.append(' ')
                            .append(v.isPresent() ? Report.times(v.getAsDouble()) : "—")
                            .append(" |");
                }
            }
            for (Subject x : columns) {
                OptionalDouble cached = r.median(c, x, row.key() + "_cached");
                String fromCache = cached.isPresent() && cached.getAsDouble() >= 0.05
                        ? " (+" + format(cached.getAsDouble(), 1) + " from cache)"
                        : "";
                line.append(' ')
                        .append(value(c, r, x, row.key() + "_requests", 1))
                        .append(fromCache)
                        .append(" |");
            }
            for (Subject x : columns) {
                line.append(' ').append(value(c, r, x, row.key() + "_kib", 1)).append(" |");
            }
            for (Subject x : columns) {
                line.append(' ')
                        .append(value(c, r, x, row.key() + Measurer.CPU_PER_VIEW, 1))
                        .append(" |");
            }
            lines.add(line.toString());
        }
        lines.add("");
        return lines;
    }

    /** The chart's values: each row's median time to connected, per server. */
    static Map<String, Map<String, Double>> chart(Case c, Results r) {
        Map<String, Map<String, Double>> values = new LinkedHashMap<>();
        for (Row row : Row.values()) {
            Map<String, Double> bySubject = new LinkedHashMap<>();
            for (Subject x : c.subjects()) {
                r.median(c, x, row.key() + "_ttc_p50_ms").ifPresent(v -> bySubject.put(x.title(), v));
            }
            values.put(row.title(), bySubject);
        }
        return values;
    }

    /** The bullet of "How it is measured". */
    static List<String> method(BenchOptions o) {
        return List.of(
                "- Page load: Chromium (headless, driven by Playwright, on the load generator's CPU with its",
                "  driver) opens " + o.pageloadViews() + " measured views per row, after cold views on loopback for "
                        + o.warmupMs() + " ms (the",
                "  JIT of a JVM server). Cold: a fresh browser profile per view (empty cache, no open",
                "  connection). Warm: a first view in a fresh profile, then the measured view as a second",
                "  navigation in the same tab (another URL of the same page, `?view=N`, as a link would be: a",
                "  navigation to the same URL is a reload to Chromium, which revalidates its cache). +100 ms:",
                "  the DevTools protocol's `Network.emulateNetworkConditions` with `latency: 100` and no bandwidth",
                "  limit: Chromium holds every request's response until 100 ms after the request was sent, one",
                "  added round trip per request, a WebSocket's handshake included (checked on 3 Dec 2026: a",
                "  WebSocket opened in 106–120 ms against 11–14 ms without it). Percentiles are",
                "  nearest-rank over one run's views, requests and bytes means per view; the server's CPU is read",
                "  (`/proc/<pid>/stat`, 10 ms ticks) around each measured navigation and summed over the row.");
    }

    private static Subject find(Case c, Peer peer) {
        return c.subjects().stream().filter(x -> x.peer() == peer).findFirst().orElse(null);
    }

    private static String value(Case c, Results r, Subject x, String figure, int decimals) {
        OptionalDouble v = r.median(c, x, figure);
        return v.isPresent() ? format(v.getAsDouble(), decimals) : r.failure(c, x) == null ? "—" : "failed";
    }

    private static String format(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
