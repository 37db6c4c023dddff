package dev.pagewire.bench.load;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Scenarios 2 and 4: {@code clients} closed-loop clients each send {@code echo} with the send time
 * and, on the answer, record the round trip and send the next one. After the warm-up the interval
 * of {@code durationMs} is measured: messages per second and the round-trip percentiles.
 */
final class EchoLoad {

    private EchoLoad() {}

    static void run(LoadOptions o, Dialer dialer) throws InterruptedException {
        var recorder = new Recorder(3);
        var answered = new LongAdder();
        var lost = new Lost();
        var quota = new Quota(o.durationMs(), (long) o.messages() * o.clients());
        var running = new AtomicBoolean(true);
        Link.Listener listener = new Link.Listener() {
            @Override
            public void onEvent(Link link, String name, String data) {
                long now = System.nanoTime();
                recorder.recordValue(Math.max(0, now - Long.parseLong(data)));
                answered.increment();
                quota.count();
                if (running.get()) {
                    link.send("echo", Long.toString(System.nanoTime()));
                }
            }

            @Override
            public void onLost(Link link, String reason) {
                lost.add(reason);
            }
        };
        List<Link> links = Connector.openAll(dialer, o.clients(), o.connectConcurrency(), listener, false);
        Out.progress(links.size() + " clients connected");
        if (!quota.counted()) {
            links.forEach(link -> link.send("echo", Long.toString(System.nanoTime())));
            TimeUnit.MILLISECONDS.sleep(o.warmupMs()); // the warm-up is a length of time, not a wait for an event
            recorder.getIntervalHistogram(); // forget the warm-up
        }
        long before = answered.sum();
        long start = System.nanoTime();
        Out.phase("measure");
        if (quota.counted()) {
            links.forEach(link -> link.send("echo", Long.toString(System.nanoTime())));
        }
        quota.await("echo answers");
        long count = answered.sum() - before;
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram h = recorder.getIntervalHistogram();
        Out.phase("end");
        running.set(false);
        lost.check("echo");
        Map<String, Double> f = Out.figures();
        f.put("clients", (double) links.size());
        f.put("messages_per_s", count / seconds);
        f.put("p50_us", h.getValueAtPercentile(50) / 1e3);
        f.put("p99_us", h.getValueAtPercentile(99) / 1e3);
        f.put("p999_us", h.getValueAtPercentile(99.9) / 1e3);
        f.put("max_us", h.getMaxValue() / 1e3);
        Out.result(f);
        links.forEach(Link::close);
    }
}
