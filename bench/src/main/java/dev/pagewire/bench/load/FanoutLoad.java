package dev.pagewire.bench.load;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Scenario 3: {@code connections} pages in topic {@code fan}; one of them sends {@code fanout} and
 * the server broadcasts it to all. First, for {@code warmupMs}, {@code window} broadcasts kept in
 * flight and not measured (the broadcast path runs once per broadcast, not once per member, so
 * without this the timed broadcasts below would run while a JIT still compiles it); then
 * {@code broadcasts} broadcasts one at a time, each timed until its last receiver has it; then, for
 * {@code durationMs}, {@code window} broadcasts kept in flight, counting deliveries per second.
 */
final class FanoutLoad {

    private FanoutLoad() {}

    private static final long WAIT_S = 60;

    static void run(LoadOptions o, Dialer dialer) throws InterruptedException {
        int n = o.connections();
        var lost = new Lost();
        var delivered = new LongAdder();
        var current = new AtomicLong(-1);
        var remaining = new AtomicLong();
        var lastArrival = new AtomicLong();
        var firstArrival = new AtomicLong();
        var done = new CountDownLatch[] {new CountDownLatch(0)};
        var sustained = new AtomicBoolean();
        var warming = new AtomicBoolean();
        var sent = new AtomicLong();
        var sender = new Link[1];
        var quota = new Quota(o.durationMs(), (long) o.messages() * n);
        Link.Listener listener = new Link.Listener() {
            @Override
            public void onEvent(Link link, String name, String data) {
                long now = System.nanoTime();
                delivered.increment();
                if (warming.get()) {
                    keepWindow(o.window(), n, sent, delivered, sender[0], warming);
                    return;
                }
                if (sustained.get()) {
                    quota.count();
                    keepWindow(o.window(), n, sent, delivered, sender[0], sustained);
                    return;
                }
                long t = Long.parseLong(data);
                if (t != current.get()) {
                    return;
                }
                long left = remaining.decrementAndGet();
                if (left == n - 1) {
                    firstArrival.set(now - t);
                }
                if (left == 0) {
                    lastArrival.set(now - t);
                    done[0].countDown();
                }
            }

            @Override
            public void onLost(Link link, String reason) {
                lost.add(reason);
            }
        };
        List<Link> links = Connector.openAll(dialer, n, o.connectConcurrency(), listener, false);
        sender[0] = links.get(0);
        Out.progress(n + " members connected; warming up for " + o.warmupMs() + " ms");
        warmUp(o, n, sent, delivered, sender[0], warming);
        Out.progress(o.broadcasts() + " broadcasts one at a time");
        double[] lastMs = new double[o.broadcasts()];
        double[] firstMs = new double[o.broadcasts()];
        for (int b = 0; b < o.broadcasts(); b++) {
            done[0] = new CountDownLatch(1);
            remaining.set(n);
            long t = System.nanoTime();
            current.set(t);
            sender[0].send("fanout", Long.toString(t));
            if (!done[0].await(WAIT_S, TimeUnit.SECONDS)) {
                throw new IllegalStateException("broadcast " + b + " reached only " + (n - remaining.get()) + " of " + n
                        + " members in " + WAIT_S + " s");
            }
            lastMs[b] = lastArrival.get() / 1e6;
            firstMs[b] = firstArrival.get() / 1e6;
        }
        Out.progress("sustained broadcasts, " + o.window() + " in flight");
        Out.phase("measure");
        long start = System.nanoTime();
        sent.set(0);
        delivered.reset();
        sustained.set(true);
        for (int i = 0; i < o.window(); i++) {
            sent.incrementAndGet();
            sender[0].send("fanout", Long.toString(System.nanoTime()));
        }
        quota.await("sustained deliveries");
        long count = delivered.sum();
        double seconds = (System.nanoTime() - start) / 1e9;
        sustained.set(false);
        Out.phase("end");
        lost.check("fanout");
        Arrays.sort(lastMs);
        Arrays.sort(firstMs);
        Map<String, Double> f = Out.figures();
        f.put("members", (double) n);
        f.put("last_ms", lastMs[lastMs.length / 2]);
        f.put("last_max_ms", lastMs[lastMs.length - 1]);
        f.put("first_ms", firstMs[firstMs.length / 2]);
        f.put("deliveries_per_s", count / seconds);
        f.put("broadcasts_per_s", count / seconds / n);
        Out.result(f);
    }

    /**
     * Keeps {@code window} broadcasts in flight for the warm-up time, then waits until every member
     * has every one of them, so that none is still on its way when the timing starts.
     */
    private static void warmUp(
            LoadOptions o, int n, AtomicLong sent, LongAdder delivered, Link sender, AtomicBoolean warming)
            throws InterruptedException {
        if (o.warmupMs() <= 0) {
            return;
        }
        sent.set(0);
        delivered.reset();
        warming.set(true);
        for (int i = 0; i < o.window(); i++) {
            sent.incrementAndGet();
            sender.send("fanout", "0");
        }
        TimeUnit.MILLISECONDS.sleep(o.warmupMs()); // the warm-up is a length of time
        warming.set(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (delivered.sum() < sent.get() * n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("warm-up: " + delivered.sum() + " of " + sent.get() * n
                        + " deliveries arrived in " + WAIT_S + " s");
            }
            TimeUnit.MILLISECONDS.sleep(10); // polling a counter against a deadline
        }
    }

    /** Sends another broadcast whenever fewer than {@code window} are still on their way. */
    private static void keepWindow(
            int window, int n, AtomicLong sent, LongAdder delivered, Link sender, AtomicBoolean going) {
        while (going.get()) {
            long s = sent.get();
            if (s * n - delivered.sum() > (long) (window - 1) * n) {
                return;
            }
            if (sent.compareAndSet(s, s + 1)) {
                sender.send("fanout", Long.toString(System.nanoTime()));
            }
        }
    }
}
