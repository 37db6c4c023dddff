package dev.pagewire.bench.load;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The echo of the cluster's long-polling case: {@code clients} closed-loop clients like
 * {@link EchoLoad}'s, whose links may be refused or lost — Socket.IO's polling behind a load
 * balancer without sticky sessions is — and are then opened again after the delay socket.io-client
 * waits by default (1 s, doubling up to 5 s, ±50 %), as a browser would. Nothing here fails the run:
 * the figures count what was lost, and why. After {@code warmupMs}, {@code durationMs} are measured
 * (always timed: a client that cannot connect would never reach a count).
 */
final class ReopeningEchoLoad {

    /** What socket.io-client waits before reconnecting: reconnectionDelay, reconnectionDelayMax. */
    static final long FIRST_DELAY_MS = 1000;

    static final long MAX_DELAY_MS = 5000;

    /** What Engine.IO answers a request for a session another node holds. */
    static final String SESSION_UNKNOWN = "Session ID unknown";

    private final Dialer dialer;
    private final Recorder recorder = new Recorder(3);
    private final LongAdder answered = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private final LongAdder losses = new LongAdder();
    private final LongAdder sessionUnknown = new LongAdder();
    private final AtomicReference<String> firstLoss = new AtomicReference<>();
    private final Set<Link> live = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "reopen");
        t.setDaemon(true);
        return t;
    });

    private ReopeningEchoLoad(Dialer dialer) {
        this.dialer = dialer;
    }

    static void run(LoadOptions o, Dialer dialer) throws InterruptedException {
        new ReopeningEchoLoad(dialer).run(o);
    }

    private void run(LoadOptions o) throws InterruptedException {
        for (int i = 0; i < o.clients(); i++) {
            new Client().open();
        }
        Out.progress(o.clients() + " clients started; warming up for " + o.warmupMs() + " ms");
        TimeUnit.MILLISECONDS.sleep(o.warmupMs()); // the warm-up is a length of time
        recorder.getIntervalHistogram(); // forget the warm-up
        long before = answered.sum();
        long opens = opened.sumThenReset();
        long lost = losses.sumThenReset();
        sessionUnknown.reset();
        Out.progress("warm-up: " + opens + " links opened, " + lost + " refused or lost; " + live.size() + " live");
        long start = System.nanoTime();
        Out.phase("measure");
        TimeUnit.MILLISECONDS.sleep(o.durationMs()); // the measured interval is a length of time
        long count = answered.sum() - before;
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram h = recorder.getIntervalHistogram();
        Out.phase("end");
        running.set(false);
        later.shutdownNow();
        if (firstLoss.get() != null) {
            Out.progress("first link refused or lost: " + firstLoss.get());
        }
        Map<String, Double> f = Out.figures();
        f.put("clients", (double) o.clients());
        f.put("messages_per_s", count / seconds);
        if (count > 0) {
            f.put("p50_us", h.getValueAtPercentile(50) / 1e3);
            f.put("p99_us", h.getValueAtPercentile(99) / 1e3);
            f.put("p999_us", h.getValueAtPercentile(99.9) / 1e3);
        }
        f.put("opened_per_s", opened.sum() / seconds);
        f.put("lost_per_s", losses.sum() / seconds);
        f.put("lost_session_unknown_per_s", sessionUnknown.sum() / seconds);
        f.put("live_at_end", (double) live.size());
        Out.result(f);
        live.forEach(Link::close);
    }

    /** One simulated page: a link at a time, opened again after a delay when it is refused or lost. */
    private final class Client {
        private final AtomicInteger failuresInARow = new AtomicInteger();

        void open() {
            if (!running.get()) {
                return;
            }
            var attempt = new Attempt();
            dialer.open(attempt, false).whenComplete((link, failure) -> {
                if (failure != null) {
                    attempt.lost(reason(failure));
                } else {
                    opened.increment();
                    failuresInARow.set(0);
                    live.add(link);
                    link.send("echo", Long.toString(System.nanoTime()));
                }
            });
        }

        /** One link of the client, from its open until it is refused or lost, which happens once. */
        private final class Attempt implements Link.Listener {
            private final AtomicBoolean over = new AtomicBoolean();

            @Override
            public void onEvent(Link link, String name, String data) {
                long now = System.nanoTime();
                recorder.recordValue(Math.max(0, now - Long.parseLong(data)));
                answered.increment();
                if (running.get()) {
                    link.send("echo", Long.toString(System.nanoTime()));
                }
            }

            @Override
            public void onLost(Link link, String reason) {
                live.remove(link);
                lost(reason);
            }

            void lost(String reason) {
                if (!over.compareAndSet(false, true) || !running.get()) {
                    return;
                }
                losses.increment();
                firstLoss.compareAndSet(null, reason);
                if (reason != null && reason.contains(SESSION_UNKNOWN)) {
                    sessionUnknown.increment();
                }
                long delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS << Math.min(3, failuresInARow.getAndIncrement()));
                long jittered =
                        (long) (delay * (0.5 + ThreadLocalRandom.current().nextDouble()));
                try {
                    later.schedule(Client.this::open, jittered, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException over) {
                    // the run has ended meanwhile: nothing to reopen
                }
            }
        }
    }

    private static String reason(Throwable failure) {
        Throwable t =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return t.getMessage();
    }
}
