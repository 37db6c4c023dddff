package dev.pagewire.bench.load;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * The upward half of an HTTP fallback (Pagewire SSE and long-polling, Engine.IO polling): one POST
 * in flight at a time on its own keep-alive connection, and what queues meanwhile goes together in
 * the next one, joined by the protocol's separator — as the browsers' clients do. Thread-safe.
 */
final class PostQueue {

    private final HttpChannel http;
    private final String uri;
    private final String separator;
    private final IntPredicate accepted;
    private final Consumer<String> onFailure;
    private final List<String> queued = new ArrayList<>();
    private boolean inFlight;
    private boolean closeWhenDrained;

    /**
     * @param accepted which answer statuses mean the body was taken
     * @param onFailure called once with the reason when a POST fails
     */
    PostQueue(HttpChannel http, String uri, String separator, IntPredicate accepted, Consumer<String> onFailure) {
        this.http = http;
        this.uri = uri;
        this.separator = separator;
        this.accepted = accepted;
        this.onFailure = onFailure;
    }

    /** Queues one frame (or packet) and posts it as soon as no POST is in flight. */
    void add(String frame) {
        String body;
        synchronized (this) {
            queued.add(frame);
            if (inFlight) {
                return;
            }
            body = take();
        }
        post(body);
    }

    /** Under the lock: the body of the next POST, marking it in flight. */
    private String take() {
        inFlight = true;
        String body = String.join(separator, queued);
        queued.clear();
        return body;
    }

    private void post(String body) {
        http.request(HttpMethod.POST, uri, body).whenComplete((reply, failure) -> {
            if (failure != null || !accepted.test(reply.status())) {
                onFailure.accept(
                        failure != null
                                ? "POST failed: " + failure.getMessage()
                                : "POST answered " + reply.status() + ": " + JsonArrays.abbreviate(reply.body()));
                return;
            }
            String next;
            synchronized (this) {
                if (queued.isEmpty()) {
                    inFlight = false;
                    if (closeWhenDrained) {
                        http.close();
                    }
                    return;
                }
                next = take();
            }
            post(next);
        });
    }

    /** Closes the connection once what is queued has been posted. */
    void closeWhenDrained() {
        synchronized (this) {
            closeWhenDrained = true;
            if (inFlight) {
                return;
            }
        }
        http.close();
    }
}
