package dev.pagewire.bench.load;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the load generator tells the orchestrator, one line each on stdout: {@code PROGRESS text},
 * {@code PHASE measure} and {@code PHASE end} (when the measured interval begins and ends, so the
 * orchestrator samples the server's CPU then), and one {@code RESULT key=value …} line. Thread-safe.
 */
final class Out {

    private Out() {}

    static synchronized void progress(String text) {
        System.out.println("PROGRESS " + text);
        System.out.flush();
    }

    static synchronized void phase(String phase) {
        System.out.println("PHASE " + phase);
        System.out.flush();
    }

    static synchronized void result(Map<String, Double> figures) {
        var line = new StringBuilder("RESULT");
        figures.forEach((k, v) -> line.append(' ').append(k).append('=').append(String.format(Locale.ROOT, "%.4f", v)));
        System.out.println(line);
        System.out.flush();
    }

    /** A map that keeps the order figures are put in. */
    static Map<String, Double> figures() {
        return new LinkedHashMap<>();
    }
}
