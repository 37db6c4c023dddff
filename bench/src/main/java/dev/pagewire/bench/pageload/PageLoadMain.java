package dev.pagewire.bench.pageload;

import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitUntilState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The page-load scenario's load generator: Chromium opens one bench page view after another and
 * reads, from each, the time from navigation start to the page's channel connected and the
 * requests and bytes it took (see {@link View}), for every {@link Row}. Started by the
 * orchestrator on the load generator's CPU (Chromium and Playwright's driver inherit it).
 *
 * <p>Speaks to the orchestrator on stdout and stdin: {@code PROGRESS text}; around each measured
 * navigation {@code VIEW start ROW} and {@code VIEW end ROW}, each followed by a wait for a
 * {@code go} line on stdin (the orchestrator reads the server's CPU in between, so that the
 * server's CPU per view covers the measured navigations alone); {@code VIEW done} after the last;
 * then {@code RESULT key=value …} with, per row, {@code ROW_ttc_p50_ms}, {@code ROW_ttc_p90_ms},
 * {@code ROW_requests}, {@code ROW_cached} and {@code ROW_kib} (means per view). Each row's last
 * view's waterfall goes to stderr, the load log. Exit status 0, or 1 with the reason on stderr.
 *
 * <p>Usage: {@code PageLoadMain --url http://127.0.0.1:PORT/pageload --views N --warmup-ms MS
 * --chromium PATH [--rows KEY,KEY…]}; {@code --rows} takes {@link Row#key}s (default every row).
 */
public final class PageLoadMain {

    /** The longest one view may take before the run fails. */
    private static final double VIEW_TIMEOUT_MS = 60_000;

    private final HeadlessChromium chromium;
    private final String url;
    private final BufferedReader stdin;
    /** Every navigation gets a URL of its own, so that none is the same-URL navigation Chromium turns into a reload. */
    private int navigations;

    private PageLoadMain(HeadlessChromium chromium, String url, BufferedReader stdin) {
        this.chromium = chromium;
        this.url = url;
        this.stdin = stdin;
    }

    /** Runs the views the flags ask for and prints the figures. */
    public static void main(String[] args) {
        Map<String, String> flags = flags(args);
        String url = flags.get("url");
        int views = Integer.parseInt(flags.getOrDefault("views", "30"));
        long warmupMs = Long.parseLong(flags.getOrDefault("warmup-ms", "0"));
        Path executable = Path.of(flags.getOrDefault("chromium", "/usr/bin/chromium"));
        List<Row> rows = Arrays.stream(Row.values())
                .filter(r -> !flags.containsKey("rows")
                        || Arrays.asList(flags.get("rows").split(",")).contains(r.key()))
                .toList();
        if (url == null || views < 1 || rows.isEmpty()) {
            System.err.println("usage: PageLoadMain --url URL [--views N (≥ 1)] [--warmup-ms MS] [--chromium PATH]"
                    + " [--rows KEY,KEY… of "
                    + Arrays.stream(Row.values()).map(Row::key).toList() + "]");
            System.exit(2);
        }
        var stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (var chromium = HeadlessChromium.launch(executable)) {
            out("PROGRESS Chromium " + chromium.version());
            new PageLoadMain(chromium, url, stdin).run(rows, views, warmupMs);
        } catch (RuntimeException e) {
            System.err.println("page load failed: " + e);
            e.printStackTrace();
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    private void run(List<Row> rows, int views, long warmupMs) {
        // Cold views on loopback until the warm-up time is over: the JIT of a JVM server compiles
        // its render, static files and handshake paths as it would under a site's first visitors.
        long end = System.nanoTime() + warmupMs * 1_000_000;
        int warmups = 0;
        while (System.nanoTime() < end) {
            view(Row.LOOPBACK_COLD, false);
            warmups++;
        }
        out("PROGRESS warmed up with " + warmups + " views");
        Map<String, Double> figures = new LinkedHashMap<>();
        for (Row row : rows) {
            List<View> measured = new ArrayList<>();
            for (int i = 0; i < views; i++) {
                measured.add(view(row, true));
            }
            double[] ms =
                    measured.stream().mapToDouble(View::connectedMs).sorted().toArray();
            String k = row.key();
            figures.put(k + "_ttc_p50_ms", percentile(ms, 0.5));
            figures.put(k + "_ttc_p90_ms", percentile(ms, 0.9));
            figures.put(k + "_requests", mean(measured, View::requests));
            figures.put(k + "_cached", mean(measured, View::cached));
            figures.put(k + "_kib", mean(measured, v -> v.bytes() / 1024.0));
            out(String.format(
                    Locale.ROOT,
                    "PROGRESS %s: p50 %.1f ms, p90 %.1f ms, %.1f requests, %.1f KiB",
                    row.title(),
                    figures.get(k + "_ttc_p50_ms"),
                    figures.get(k + "_ttc_p90_ms"),
                    figures.get(k + "_requests"),
                    figures.get(k + "_kib")));
            View median = measured.stream()
                    .sorted(Comparator.comparingDouble(View::connectedMs))
                    .toList()
                    .get((measured.size() - 1) / 2);
            System.err.println("waterfall of the median view, " + row.title() + ":\n" + median.waterfall() + "\n");
        }
        out("VIEW done");
        var line = new StringBuilder("RESULT");
        figures.forEach(
                (key, v) -> line.append(' ').append(key).append('=').append(String.format(Locale.ROOT, "%.4f", v)));
        out(line.toString());
    }

    /**
     * One view in a fresh browser profile (nothing cached, no connection open): for a warm row,
     * a first view of the page, then the measured one, a second navigation in the same tab.
     */
    private View view(Row row, boolean measured) {
        try (BrowserContext context = chromium.browser().newContext()) {
            Page page = context.newPage();
            if (row.latencyMs() > 0) {
                emulateLatency(context, page, row.latencyMs());
            }
            if (row.warm()) {
                navigate(page);
                View.read(page, VIEW_TIMEOUT_MS);
            }
            if (measured) {
                mark("start", row);
            }
            navigate(page);
            View v = View.read(page, VIEW_TIMEOUT_MS);
            if (measured) {
                mark("end", row);
            }
            return v;
        }
    }

    private void navigate(Page page) {
        page.navigate(url + "?view=" + ++navigations, new Page.NavigateOptions().setWaitUntil(WaitUntilState.COMMIT));
    }

    /**
     * Chromium's network emulation (what DevTools' throttling uses): each request's response is
     * held back until {@code latencyMs} after the request was sent; bandwidth is not limited.
     */
    private static void emulateLatency(BrowserContext context, Page page, int latencyMs) {
        CDPSession cdp = context.newCDPSession(page);
        cdp.send("Network.enable");
        var conditions = new JsonObject();
        conditions.addProperty("offline", false);
        conditions.addProperty("latency", latencyMs);
        conditions.addProperty("downloadThroughput", -1);
        conditions.addProperty("uploadThroughput", -1);
        cdp.send("Network.emulateNetworkConditions", conditions);
    }

    /** Tells the orchestrator where a measured navigation starts or ends, and waits until it has read the server's CPU. */
    private void mark(String what, Row row) {
        out("VIEW " + what + " " + row.key());
        try {
            String line = stdin.readLine();
            if (line == null || !line.strip().equals("go")) {
                throw new IllegalStateException("the orchestrator answered '" + line + "' instead of 'go'");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static double mean(List<View> views, java.util.function.ToDoubleFunction<View> f) {
        return views.stream().mapToDouble(f).average().orElse(0);
    }

    private static void out(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static Map<String, String> flags(String[] args) {
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --flag value, got " + Arrays.toString(args));
            }
            f.put(args[i].substring(2), args[i + 1]);
        }
        return f;
    }
}
