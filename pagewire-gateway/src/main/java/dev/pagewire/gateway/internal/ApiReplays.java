package dev.pagewire.gateway.internal;

import dev.pagewire.spi.HttpResponse;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The publish API's memory of {@code Pagewire-Idempotency-Key}s (docs/GATEWAY.md, "Publish API"): a
 * request that repeats a key within the window gets the first request's answer, waiting for it if
 * the first is still under way, and acts no more. The first request completes its claim's
 * answer even after its key is forgotten, so no one waits for ever. Bounded: past {@code maxKeys} the oldest key is
 * forgotten. Thread-safe.
 */
final class ApiReplays {

    private record Entry(CompletableFuture<HttpResponse> answer, long atNanos) {}

    private final long windowNanos;
    private final int maxKeys;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    ApiReplays(long windowNanos, int maxKeys) {
        this.windowNanos = windowNanos;
        this.maxKeys = maxKeys;
    }

    /**
     * A request's claim on its key.
     *
     * @param first whether this request is the first with the key: it acts, then completes {@code answer}
     * @param answer the first request's answer, to wait for when this one is not the first
     */
    record Claim(boolean first, CompletableFuture<HttpResponse> answer) {}

    /** Claims {@code key}: the first request within the window acts, the others answer as it did. */
    synchronized Claim claim(String key, long nowNanos) {
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext()) {
            if (nowNanos - it.next().atNanos() <= windowNanos) {
                break;
            }
            it.remove();
        }
        Entry earlier = entries.get(key);
        if (earlier != null) {
            return new Claim(false, earlier.answer());
        }
        Entry entry = new Entry(new CompletableFuture<>(), nowNanos);
        entries.put(key, entry);
        while (entries.size() > maxKeys) {
            Iterator<String> oldest = entries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return new Claim(true, entry.answer());
    }

    /** Keys remembered now (tests). */
    synchronized int size() {
        return entries.size();
    }
}
