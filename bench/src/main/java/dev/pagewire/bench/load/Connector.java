package dev.pagewire.bench.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Opens many links with a bounded number of attempts in flight, so the server's accept queue is not flooded. */
final class Connector {

    private Connector() {}

    /**
     * Opens {@code n} links and returns them once all are ready.
     *
     * @throws IllegalStateException if any fails (with how many and the first reason), or they are
     *     not all ready within the deadline (one minute plus 10 ms per link)
     */
    static List<Link> openAll(Dialer dialer, int n, int concurrency, Link.Listener listener, boolean withPage)
            throws InterruptedException {
        List<Link> links = Collections.synchronizedList(new ArrayList<>(n));
        var permits = new Semaphore(concurrency);
        var failures = new AtomicInteger();
        var firstFailure = new AtomicReference<String>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60) + TimeUnit.MILLISECONDS.toNanos(10L * n);
        int step = Math.max(1, n / 10);
        for (int i = 0; i < n; i++) {
            if (!permits.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("opened only " + links.size() + " of " + n + " links in time");
            }
            dialer.open(listener, withPage).whenComplete((link, failure) -> {
                if (failure != null) {
                    failures.incrementAndGet();
                    firstFailure.compareAndSet(null, String.valueOf(failure.getMessage()));
                } else {
                    links.add(link);
                }
                permits.release();
            });
            if ((i + 1) % step == 0) {
                Out.progress("opening " + (i + 1) + "/" + n);
            }
        }
        if (!permits.tryAcquire(concurrency, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("opened only " + links.size() + " of " + n + " links in time");
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(
                    failures.get() + " of " + n + " links failed to open; first: " + firstFailure.get());
        }
        return links;
    }
}
