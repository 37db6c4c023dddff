package dev.pagewire.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagewire.CallException;
import dev.pagewire.PageRef;
import dev.pagewire.Pagewire;
import dev.pagewire.Topic;
import dev.pagewire.spi.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The publish API's operations (docs/GATEWAY.md, "Publish API: backend → page"), on a request the
 * API has verified: {@code emit}, {@code broadcast}, {@code call}, {@code members}, {@code close}.
 * {@link #run} blocks for a {@code call} until the browser answers; run it on a virtual thread.
 * Thread-safe.
 */
final class ApiOps {

    /** A call's timeout when the request names none. */
    static final long DEFAULT_CALL_TIMEOUT_MS = 10_000;

    /** The longest timeout a request may ask of a call. */
    static final long MAX_CALL_TIMEOUT_MS = 300_000;

    private final Pagewire app;
    private final GatewayPages pages;

    ApiOps(Pagewire app, GatewayPages pages) {
        this.app = app;
        this.pages = pages;
    }

    /** A request that is not what the API takes: answered {@code 400} with its message. */
    private static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /** Acts on one verified request body and gives its answer. Blocks for a {@code call}. */
    HttpResponse run(byte[] body) {
        try {
            JsonNode request;
            try {
                request = WebhookActions.JSON.readTree(body);
            } catch (java.io.IOException e) {
                throw new BadRequest("the body is not JSON");
            }
            if (request == null || !request.isObject()) {
                throw new BadRequest("the body must be a JSON object with an op");
            }
            String op = text(request, "op");
            return switch (op) {
                case "emit" -> emit(request);
                case "broadcast" -> broadcast(request);
                case "call" -> call(request);
                case "members" -> members(request);
                case "close" -> close(request);
                default -> throw new BadRequest("unknown op " + op + ": emit, broadcast, call, members or close");
            };
        } catch (BadRequest e) {
            return error(400, "bad_request", e.getMessage());
        }
    }

    private HttpResponse emit(JsonNode request) throws BadRequest {
        PageRef page = page(request);
        if (page == null) {
            return notLive(request);
        }
        String event = text(request, "event");
        try {
            page.emit(event, data(request, "data"));
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        return ok(WebhookActions.JSON.createObjectNode());
    }

    private HttpResponse broadcast(JsonNode request) throws BadRequest {
        Topic topic = app.topic(text(request, "topic"));
        String event = text(request, "event");
        JsonNode except = request.get("except");
        if (except != null && !except.isNull() && !except.isTextual()) {
            throw new BadRequest("except must be a page id");
        }
        try {
            topic.emitExceptMember(
                    except == null || except.isNull() ? null : except.textValue(), event, data(request, "data"));
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        return ok(WebhookActions.JSON.createObjectNode());
    }

    private HttpResponse call(JsonNode request) throws BadRequest {
        PageRef page = page(request);
        if (page == null) {
            return notLive(request);
        }
        String name = text(request, "name");
        long timeoutMs = DEFAULT_CALL_TIMEOUT_MS;
        JsonNode t = request.get("timeoutMs");
        if (t != null && !t.isNull()) {
            if (!t.canConvertToLong() || !t.isIntegralNumber() || t.asLong() < 1 || t.asLong() > MAX_CALL_TIMEOUT_MS) {
                throw new BadRequest("timeoutMs must be a whole number from 1 to " + MAX_CALL_TIMEOUT_MS);
            }
            timeoutMs = t.asLong();
        }
        CompletableFuture<JsonNode> reply;
        try {
            reply = page.call(name, data(request, "args"), Duration.ofMillis(timeoutMs));
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        try {
            // The call times itself out; the margin only guards against a reply that never settles.
            JsonNode value = reply.get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
            ObjectNode answer = WebhookActions.JSON.createObjectNode();
            answer.set("reply", value == null ? NullNode.getInstance() : value);
            return ok(answer);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CallException c) {
                return switch (c.code()) {
                    case "timeout" -> error(504, "timeout", "the page did not answer within " + timeoutMs + " ms");
                    case "closed" -> error(404, "not_found", "the page is not live");
                    default -> error(409, c.code(), String.valueOf(c.getMessage()));
                };
            }
            return error(409, "call_failed", "the call failed");
        } catch (TimeoutException e) {
            reply.cancel(false);
            return error(504, "timeout", "the page did not answer within " + timeoutMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(503, "shutting_down", "the gateway is stopping");
        }
    }

    private HttpResponse members(JsonNode request) throws BadRequest {
        ArrayNode list = WebhookActions.JSON.createArrayNode();
        for (Topic.Member m : app.topic(text(request, "topic")).members()) {
            list.addObject().put("id", m.id()).set("presence", m.presence());
        }
        ObjectNode answer = WebhookActions.JSON.createObjectNode();
        answer.set("members", list);
        return ok(answer);
    }

    private HttpResponse close(JsonNode request) throws BadRequest {
        String id = text(request, "page");
        GatewayPage gp = pages.page(id);
        if (gp != null) {
            gp.closedByApi();
            gp.page().close();
        } else if (pages.clustered()) {
            app.pageById(id).close();
        } else {
            return notLive(request);
        }
        return ok(WebhookActions.JSON.createObjectNode());
    }

    /**
     * The page a request names: one of this gateway's live pages, or on a cluster any page (another
     * gateway may own it); {@code null} when it is known not to be live.
     */
    private PageRef page(JsonNode request) throws BadRequest {
        String id = text(request, "page");
        if (pages.page(id) == null && !pages.clustered()) {
            return null;
        }
        return app.pageById(id);
    }

    private static HttpResponse notLive(JsonNode request) {
        return error(404, "not_found", "no live page " + request.path("page").asText());
    }

    private static String text(JsonNode request, String field) throws BadRequest {
        JsonNode v = request.get(field);
        if (v == null || !v.isTextual() || v.textValue().isEmpty()) {
            throw new BadRequest(field + " must be a non-empty string");
        }
        return v.textValue();
    }

    private static JsonNode data(JsonNode request, String field) {
        JsonNode v = request.get(field);
        return v == null ? NullNode.getInstance() : v;
    }

    static HttpResponse ok(JsonNode body) {
        return json(200, body);
    }

    /** {@code {"error": {"code": …, "message": …}}} with {@code status}. */
    static HttpResponse error(int status, String code, String message) {
        ObjectNode body = WebhookActions.JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        HttpResponse json = json(status, body);
        return new HttpResponse(status, message, json.headers(), json.body());
    }

    static HttpResponse json(int status, JsonNode body) {
        return new HttpResponse(
                status,
                null,
                new HttpResponse.Headers()
                        .set("Content-Type", "application/json")
                        .set("Cache-Control", "no-store")
                        .set("X-Content-Type-Options", "nosniff"),
                body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
