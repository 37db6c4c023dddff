package dev.pagewire.gateway.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many pages each client may make (docs/SECURITY.md, {@code rendersPerSecond}): a token bucket
 * per client address, {@code perSecond} on average with bursts of twice that. Bounded: past
 * {@code maxClients} addresses the idle buckets are forgotten first, then any (a client that comes
 * back starts full, which a flood of new addresses gets anyway). Thread-safe; never blocks beyond a
 * bucket's brief monitor.
 */
final class RenderRates {

    private final int perSecond;
    private final int maxClients;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RenderRates(int perSecond, int maxClients) {
        this.perSecond = perSecond;
        this.maxClients = maxClients;
    }

    /** Takes one render for {@code client}; {@code false} when the client is over its rate. */
    boolean take(String client, long nowNanos) {
        Bucket bucket = buckets.get(client);
        if (bucket == null) {
            if (buckets.size() >= maxClients) {
                forget(nowNanos);
            }
            bucket = buckets.computeIfAbsent(client, c -> new Bucket(perSecond, nowNanos));
        }
        return bucket.take(nowNanos);
    }

    /** Addresses with a bucket now (tests). */
    int size() {
        return buckets.size();
    }

    private void forget(long nowNanos) {
        buckets.values().removeIf(b -> b.full(nowNanos));
        Iterator<String> it = buckets.keySet().iterator();
        while (buckets.size() >= maxClients && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    /** One client's tokens. */
    private static final class Bucket {
        private final double perNano;
        private final double burst;
        private double tokens;
        private long last;

        Bucket(int perSecond, long now) {
            this.perNano = perSecond / 1e9;
            this.burst = 2.0 * perSecond;
            this.tokens = burst;
            this.last = now;
        }

        synchronized boolean take(long now) {
            refill(now);
            if (tokens < 1) {
                return false;
            }
            tokens--;
            return true;
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            if (now > last) {
                tokens = Math.min(burst, tokens + (now - last) * perNano);
                last = now;
            }
        }
    }
}
