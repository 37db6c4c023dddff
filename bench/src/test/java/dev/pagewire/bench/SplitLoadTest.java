package dev.pagewire.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SplitLoadTest {

    @Test
    void openersAreSharedOutWithTheRemainderToTheFirstProcesses() {
        assertEquals(List.of(3, 2), SplitLoad.shares(5, 2));
        assertEquals(List.of(10, 10), SplitLoad.shares(20, 2));
        assertEquals(List.of(1), SplitLoad.shares(1, 1));
    }

    @Test
    void ratesAndCpuAddUpAndPercentilesComeFromTheMergedHistogramsNotFromAverages() {
        // One fast process (90 cycles of 1 ms) and one slow one (10 cycles of 100 ms): the load's
        // p99 is the slow one's 100 ms, where an average of the two p99s would say about 50 ms.
        Map<String, Double> f = SplitLoad.combine(List.of(
                List.of(
                        histogram(90, 1),
                        "RESULT openers=10.0000 pages_per_s=900.0000 cycle_p99_ms=1.0000 load_cpu_pct=60.0000"),
                List.of(
                        histogram(10, 100),
                        "RESULT openers=10.0000 pages_per_s=100.0000 cycle_p99_ms=100.0000 load_cpu_pct=30.0000")));

        assertEquals(20, f.get("openers"));
        assertEquals(1000, f.get("pages_per_s"));
        assertEquals(90, f.get("load_cpu_pct"));
        assertEquals(1, f.get("cycle_p50_ms"), 0.01);
        assertEquals(100, f.get("cycle_p99_ms"), 0.1);
        assertEquals(2, f.get(SplitLoad.PROCESSES));
    }

    /** The line a load generator prints for {@code count} cycles of {@code ms} each. */
    private static String histogram(int count, long ms) {
        var h = new Histogram(3);
        h.recordValueWithCount(ms * 1_000_000, count);
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        return "HISTOGRAM cycle " + Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }
}
