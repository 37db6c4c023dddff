package dev.pagewire.client.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: exponential steps from {@code initial} up to {@code max}, each wait a random
 * point between half and all of its step ("equal jitter"), so a restarted server is neither hit by
 * every client at once nor hammered by one. Not thread-safe.
 */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private int attempt;

    Backoff(Duration initial, Duration max) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** The wait before the next attempt; each call makes the next step longer, up to the maximum. */
    long next() {
        long step = Math.min(maxMillis, initialMillis << Math.min(attempt, 30));
        if (step < maxMillis) {
            attempt++;
        }
        return step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
    }

    /** A connection said hello: the next loss starts from the first step again. */
    void reset() {
        attempt = 0;
    }
}
