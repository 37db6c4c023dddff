package dev.pagewire.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * One load spread over several load-generator processes run in step ({@code --in-step 1}, the
 * churn scenario's): each warms up, then all start their measured interval on one word from the
 * orchestrator, and their figures are put together as one load's. Rates, counts and CPU are added
 * up; the percentiles are read from the processes' histograms merged ({@code HISTOGRAM} lines),
 * never averaged. Used from the orchestrator's thread; {@link #close} ends every process.
 */
final class SplitLoad implements AutoCloseable {

    /** The figure that says over how many processes the load was spread. */
    static final String PROCESSES = "load_processes";

    private final List<ChildProcess> processes;

    private SplitLoad(List<ChildProcess> processes) {
        this.processes = processes;
    }

    /** Takes over started processes: {@link #close} ends them. */
    static SplitLoad of(List<ChildProcess> processes) {
        return new SplitLoad(List.copyOf(processes));
    }

    /**
     * {@code total} shared out over {@code parts}, the first ones taking one more where it does not
     * divide: 5 over 2 is 3 and 2.
     */
    static List<Integer> shares(int total, int parts) {
        List<Integer> shares = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            shares.add(total / parts + (i < total % parts ? 1 : 0));
        }
        return shares;
    }

    /** Waits until every process has warmed up, then starts their measured intervals together. */
    void startMeasuring(Duration warmup) throws InterruptedException {
        for (ChildProcess p : processes) {
            p.awaitLine("PHASE warm", warmup);
        }
        for (ChildProcess p : processes) {
            p.send("measure");
        }
        for (ChildProcess p : processes) {
            p.awaitLine("PHASE measure", Duration.ofMinutes(1));
        }
    }

    /** Waits until every process has ended its measured interval. */
    void awaitEnd(Duration timeout) throws InterruptedException {
        for (ChildProcess p : processes) {
            p.awaitLine("PHASE end", timeout);
        }
    }

    /**
     * The figures of all processes as one load's: for each histogram {@code name}, {@code
     * name_p50_ms} and {@code name_p99_ms} of the merged histogram (recorded in nanoseconds);
     * every other figure summed; and {@link #PROCESSES}.
     */
    Map<String, Double> result(Duration timeout) throws InterruptedException {
        List<List<String>> outputs = new ArrayList<>();
        for (ChildProcess p : processes) {
            List<String> lines = new ArrayList<>();
            String line;
            do {
                line = p.awaitLine("", timeout);
                if (line.startsWith("HISTOGRAM ") || line.startsWith("RESULT")) {
                    lines.add(line);
                }
            } while (!line.startsWith("RESULT"));
            outputs.add(lines);
        }
        return combine(outputs);
    }

    /**
     * What {@link #result} makes of each process's {@code HISTOGRAM} lines and its {@code RESULT}
     * line (the last of its list).
     */
    static Map<String, Double> combine(List<List<String>> outputs) {
        Map<String, Double> sums = new LinkedHashMap<>();
        Map<String, Histogram> merged = new LinkedHashMap<>();
        for (List<String> lines : outputs) {
            for (String line : lines) {
                if (line.startsWith("HISTOGRAM ")) {
                    String[] parts = line.split(" ");
                    merged.merge(parts[1], decode(parts[2]), (a, b) -> {
                        a.add(b);
                        return a;
                    });
                } else {
                    Measurer.figures(line).forEach((k, v) -> sums.merge(k, v, Double::sum));
                }
            }
        }
        Map<String, Double> f = new LinkedHashMap<>(sums);
        merged.forEach((name, h) -> {
            f.put(name + "_p50_ms", h.getValueAtPercentile(50) / 1e6);
            f.put(name + "_p99_ms", h.getValueAtPercentile(99) / 1e6);
        });
        f.put(PROCESSES, (double) outputs.size());
        return f;
    }

    private static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new IllegalStateException("a load generator printed a histogram that does not decode: " + e, e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (ChildProcess p : processes) {
            p.close();
        }
    }
}
