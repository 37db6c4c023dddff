package dev.pagewire.gateway.internal;

import dev.pagewire.Pagewire;
import dev.pagewire.gateway.GatewaySettings;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.HttpResponse;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publish API (docs/GATEWAY.md, "Publish API: backend → page"): {@code POST} {@link #PATH}, signed
 * like a webhook, a JSON body with an {@code op}. Refuses what is not a {@code POST} ({@code 405}) and
 * what is unsigned, wrongly signed or stale ({@code 401} with the reason); repeats the answer of a
 * request whose {@code Pagewire-Idempotency-Key} it saw within the replay window. Each request runs on
 * a virtual thread of its own, never on the server's I/O thread. Thread-safe.
 */
public final class PublishApi {

    private static final Logger log = LoggerFactory.getLogger(PublishApi.class);

    /** Where the API listens on the gateway. */
    public static final String PATH = "/_pagewire/api";

    /** The request header naming a request's idempotency key. */
    static final String IDEMPOTENCY_KEY = "Pagewire-Idempotency-Key";

    /** Most idempotency keys remembered at once. */
    static final int MAX_KEYS = 100_000;

    /** Longest idempotency key taken, in characters; longer ones are refused. */
    static final int MAX_KEY_LENGTH = 256;

    private final Signatures signatures;
    private final ApiOps ops;
    private final ApiReplays replays = new ApiReplays(TimeUnit.SECONDS.toNanos(Signatures.WINDOW_SECONDS), MAX_KEYS);

    /**
     * @param pages the gateway's pages: which are live here
     */
    public PublishApi(Pagewire app, GatewaySettings settings, GatewayPages pages) {
        this.signatures = new Signatures(settings.secretBytes());
        this.ops = new ApiOps(app, pages);
    }

    /**
     * Answers one request to {@link #PATH}; returns at once, the answer follows from a virtual thread.
     * Called on the server's I/O thread.
     */
    public void handle(HttpExchange exchange) {
        if (!"POST".equals(exchange.method())) {
            HttpResponse refused = ApiOps.error(405, "method_not_allowed", "the publish API takes POST only");
            refused.headers().set("Allow", "POST");
            exchange.respond(refused, null);
            return;
        }
        Thread.ofVirtual().name("pagewire-api").start(() -> {
            HttpResponse answer;
            try {
                answer = answer(exchange);
            } catch (RuntimeException e) {
                log.error("the publish API failed on a request", e);
                answer = ApiOps.error(500, "internal_error", "the gateway failed on this request");
            }
            exchange.respond(answer, null);
        });
    }

    /** Verifies, then acts once per idempotency key. Blocks. */
    HttpResponse answer(HttpExchange exchange) {
        byte[] body = exchange.body();
        String refusal =
                signatures.refusal(exchange.header(Signatures.HEADER), body, System.currentTimeMillis() / 1000);
        if (refusal != null) {
            log.info("publish API request from {} refused: {}", exchange.remoteAddress(), refusal);
            return ApiOps.error(401, "unauthorized", refusal);
        }
        String key = exchange.header(IDEMPOTENCY_KEY);
        if (key == null) {
            return ops.run(body);
        }
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return ApiOps.error(
                    400, "bad_request", IDEMPOTENCY_KEY + " must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        ApiReplays.Claim claim = replays.claim(key, System.nanoTime());
        if (!claim.first()) {
            try {
                return claim.answer().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ApiOps.error(503, "shutting_down", "the gateway is stopping");
            } catch (ExecutionException e) {
                return ApiOps.error(500, "internal_error", "the gateway failed on this request");
            }
        }
        HttpResponse answer;
        try {
            answer = ops.run(body);
        } catch (RuntimeException e) {
            claim.answer().completeExceptionally(e);
            throw e;
        }
        claim.answer().complete(answer);
        return answer;
    }
}
