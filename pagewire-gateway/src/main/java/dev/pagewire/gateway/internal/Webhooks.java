package dev.pagewire.gateway.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhooks to the backend (docs/GATEWAY.md, "Delivery"): a signed {@code POST} per attempt,
 * retried after a network error, a timeout, {@code 408}, {@code 429}, {@code 5xx} or an answer over
 * {@link #MAX_RESPONSE_BYTES}, with the same idempotency key, after 0.5 s, 1 s, 2 s (doubling). Any
 * other status is final. {@link #post} blocks its caller (a page's virtual thread) for the whole
 * delivery; ordering is the caller's. Thread-safe.
 */
final class Webhooks implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);

    /** The largest webhook answer read; a larger one counts as a failed attempt. */
    static final int MAX_RESPONSE_BYTES = 1024 * 1024;

    /** The wait before the first retry; each later one waits twice the one before. */
    static final Duration FIRST_RETRY = Duration.ofMillis(500);

    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("pagewire-webhook").factory());
    private final HttpClient client;
    private final Signatures signatures;
    private final Duration timeout;
    private final int retries;
    private final Duration firstRetry;
    private final Supplier<URI> apiUrl;
    private volatile boolean closing;

    /**
     * @param timeout one attempt, from connecting to the last byte of the answer
     * @param retries attempts after the first
     * @param firstRetry the wait before the first retry (tests shorten it)
     * @param apiUrl the publish API's URL, sent in {@code Pagewire-Api}; {@code null} sends none
     */
    Webhooks(Signatures signatures, Duration timeout, int retries, Duration firstRetry, Supplier<URI> apiUrl) {
        this.signatures = signatures;
        this.timeout = timeout;
        this.retries = retries;
        this.firstRetry = firstRetry;
        this.apiUrl = apiUrl;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    /**
     * Posts {@code body} to {@code url} until an attempt gets a final answer or the retries are spent.
     * Blocks; call it from a virtual thread.
     *
     * @param what names the webhook in log lines (its type and page), never its payload
     * @param key the idempotency key, the same for every attempt
     */
    Delivery post(URI url, String key, byte[] body, String what) {
        String failure = null;
        for (int attempt = 0; attempt <= retries; attempt++) {
            if (attempt > 0) {
                if (closing) {
                    break;
                }
                try {
                    Thread.sleep(firstRetry.multipliedBy(1L << Math.min(attempt - 1, 10)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            Attempt result = attempt(url, key, body);
            if (result.answered() != null) {
                return result.answered();
            }
            failure = result.failure();
            log.info("webhook {} to {}: attempt {} failed: {}", what, url.getRawPath(), attempt + 1, failure);
        }
        return new Delivery.Failed(failure == null ? "the gateway is closing" : failure);
    }

    private record Attempt(Delivery.Answered answered, String failure) {}

    private Attempt attempt(URI url, String key, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header(Signatures.HEADER, signatures.sign(System.currentTimeMillis() / 1000, body))
                .header("Pagewire-Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        URI api = apiUrl.get();
        if (api != null) {
            request.header("Pagewire-Api", api.toString());
        }
        CompletableFuture<HttpResponse<byte[]>> sent;
        try {
            sent = client.sendAsync(request.build(), LimitedBody.handler(MAX_RESPONSE_BYTES));
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new Attempt(null, "cannot send: " + e.getMessage());
        }
        HttpResponse<byte[]> response;
        try {
            // The request's own timeout ends at the answer's head; this one bounds the body too.
            response = sent.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            sent.cancel(true);
            return new Attempt(null, "no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            return new Attempt(null, "interrupted");
        } catch (ExecutionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof java.net.http.HttpTimeoutException) {
                return new Attempt(null, "no answer within " + timeout.toMillis() + " ms");
            }
            String message = cause instanceof IOException && cause.getMessage() != null
                    ? cause.getMessage()
                    : cause.getClass().getSimpleName();
            return new Attempt(null, message);
        }
        int status = response.statusCode();
        if (response.body() == null) {
            return new Attempt(null, "status " + status + " with an answer over " + MAX_RESPONSE_BYTES + " bytes");
        }
        if (status == 408 || status == 429 || status >= 500) {
            return new Attempt(null, "status " + status);
        }
        return new Attempt(new Delivery.Answered(status, response.body()), null);
    }

    /** Failed attempts from now on are not retried (the gateway is stopping). */
    void stopRetrying() {
        closing = true;
    }

    /**
     * Stops retrying: deliveries under way make their current attempt and no other. Waits up to one
     * attempt's timeout for them (the {@code closed} webhooks of a closing gateway), then stops the
     * client.
     */
    @Override
    public void close() {
        closing = true;
        executor.shutdown();
        client.shutdown();
        try {
            if (!client.awaitTermination(timeout)) {
                client.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.shutdownNow();
        }
    }
}
