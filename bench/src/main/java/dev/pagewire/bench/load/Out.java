package dev.pagewire.bench.load;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What the load generator tells the orchestrator, one line each on stdout: {@code PROGRESS text},
 * {@code PHASE measure} and {@code PHASE end} (when the measured interval begins and ends, so the
 * orchestrator samples the server's CPU then), and one {@code RESULT key=value …} line, which
 * carries the load generator's own CPU over the measured interval ({@code load_cpu_pct}): it is
 * measured here because the process may have ended before the orchestrator could look at it. A
 * load run in step over several processes also prints {@code PHASE warm} and, before its result,
 * {@code HISTOGRAM name base64} lines. Thread-safe.
 */
final class Out {

    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU and wall-clock time at {@code PHASE measure}, then their differences at {@code PHASE end}; -1 before. */
    private static long cpuNanos = -1;

    private static long wallNanos = -1;
    private static boolean measured;

    private Out() {}

    static synchronized void progress(String text) {
        System.out.println("PROGRESS " + text);
        System.out.flush();
    }

    static synchronized void phase(String phase) {
        if (phase.equals("measure")) {
            cpuNanos = OS.getProcessCpuTime();
            wallNanos = System.nanoTime();
        } else if (phase.equals("end") && wallNanos >= 0) {
            cpuNanos = OS.getProcessCpuTime() - cpuNanos;
            wallNanos = System.nanoTime() - wallNanos;
            measured = true;
        }
        System.out.println("PHASE " + phase);
        System.out.flush();
    }

    /**
     * A {@code HISTOGRAM name base64} line: {@code h} in HdrHistogram's compressed encoding, which
     * the orchestrator decodes and adds to the same histogram of the other processes.
     */
    static synchronized void histogram(String name, Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        System.out.println(
                "HISTOGRAM " + name + " " + Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length)));
        System.out.flush();
    }

    static synchronized void result(Map<String, Double> figures) {
        if (measured && wallNanos > 0) {
            figures.put("load_cpu_pct", cpuNanos * 100.0 / wallNanos);
        }
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
