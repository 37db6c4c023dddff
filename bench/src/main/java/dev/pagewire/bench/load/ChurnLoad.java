package dev.pagewire.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Scenario 5: {@code clients} concurrent openers, each in a loop: render the page (GET), connect,
 * send a first {@code echo}, await its answer, leave (Pagewire: {@code bye}), next page. Measured:
 * pages per second through the whole cycle, and the cycle's percentiles. Run in step over several
 * processes ({@link LoadOptions#inStep}), each is a share of the openers, and the orchestrator adds
 * up the rates and merges the cycle histograms.
 */
final class ChurnLoad implements Link.Listener {

    private final Dialer dialer;
    private final Recorder recorder = new Recorder(3);
    private final LongAdder cycles = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    private final Quota quota;

    private ChurnLoad(Dialer dialer, Quota quota) {
        this.dialer = dialer;
        this.quota = quota;
    }

    static void run(LoadOptions o, Dialer dialer) throws InterruptedException {
        new ChurnLoad(dialer, new Quota(o.durationMs(), o.messages())).measure(o);
    }

    private void measure(LoadOptions o) throws InterruptedException {
        if (!quota.counted()) {
            startOpeners(o.clients());
            TimeUnit.MILLISECONDS.sleep(o.warmupMs()); // the warm-up is a length of time
        }
        if (o.inStep()) {
            Out.phase("warm");
            awaitMeasure(); // the openers keep cycling meanwhile: the other processes may still be warming up
        }
        recorder.getIntervalHistogram();
        long before = cycles.sum();
        long start = System.nanoTime();
        Out.phase("measure");
        if (quota.counted()) {
            startOpeners(o.clients());
        }
        quota.await("page cycles");
        long count = cycles.sum() - before;
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram h = recorder.getIntervalHistogram();
        Out.phase("end");
        running.set(false);
        if (failures.sum() > 0) {
            throw new IllegalStateException(failures.sum() + " page cycles failed; first: " + firstFailure.get());
        }
        if (o.inStep()) {
            Out.histogram("cycle", h);
        }
        Map<String, Double> f = Out.figures();
        f.put("openers", (double) o.clients());
        f.put("pages_per_s", count / seconds);
        f.put("cycle_p50_ms", h.getValueAtPercentile(50) / 1e6);
        f.put("cycle_p99_ms", h.getValueAtPercentile(99) / 1e6);
        Out.result(f);
    }

    /** Waits for the orchestrator's {@code measure} on stdin. */
    private static void awaitMeasure() {
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            String line = in.readLine();
            if (line == null || !line.strip().equals("measure")) {
                throw new IllegalStateException("the orchestrator said '" + line + "' instead of 'measure'");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the orchestrator's stdin: " + e.getMessage(), e);
        }
    }

    private void startOpeners(int n) {
        for (int i = 0; i < n; i++) {
            cycle();
        }
    }

    /** Starts one page's cycle: its start time travels in the first event and comes back with the echo. */
    private void cycle() {
        long start = System.nanoTime();
        dialer.open(this, true).whenComplete((link, failure) -> {
            if (failure != null) {
                failed(String.valueOf(failure.getMessage()));
                next();
            } else {
                link.send("echo", Long.toString(start));
            }
        });
    }

    private void next() {
        if (running.get()) {
            cycle();
        }
    }

    private void failed(String reason) {
        failures.increment();
        firstFailure.compareAndSet(null, reason);
    }

    @Override
    public void onEvent(Link link, String name, String data) {
        recorder.recordValue(Math.max(0, System.nanoTime() - Long.parseLong(data)));
        cycles.increment();
        quota.count();
        link.close();
        next();
    }

    @Override
    public void onLost(Link link, String reason) {
        failed(reason); // a link the opener closed itself is not reported as lost
    }
}
