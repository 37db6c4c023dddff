package dev.pagewire.bench.load;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Counts links lost during a scenario and keeps the first reason, to report instead of a silent dip. */
final class Lost {

    private final AtomicInteger count = new AtomicInteger();
    private final AtomicReference<String> first = new AtomicReference<>();

    void add(String reason) {
        count.incrementAndGet();
        first.compareAndSet(null, reason);
    }

    int count() {
        return count.get();
    }

    /** Fails the scenario if any link was lost. */
    void check(String scenario) {
        if (count.get() > 0) {
            throw new IllegalStateException(count.get() + " links lost during " + scenario + "; first: " + first.get());
        }
    }
}
