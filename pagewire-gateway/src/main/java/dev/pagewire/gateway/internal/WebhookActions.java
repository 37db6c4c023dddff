package dev.pagewire.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.pagewire.Channel;
import dev.pagewire.Pagewire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a webhook's answer asks for (docs/GATEWAY.md, "Responses"), checked whole before any of it
 * acts: an answer that is not what the contract says is refused as a whole with a
 * {@link Malformed} that says what was wrong, and nothing of it happens. Immutable.
 *
 * @param context the page's new context; {@code null} when the answer leaves it as it is
 * @param clearContext the answer set {@code "context": null}
 * @param reply the call's reply; {@code null} when none (a call then gets JSON {@code null})
 * @param error the error the answer raises; {@code null} when none
 */
record WebhookActions(
        String context,
        boolean clearContext,
        List<String> leave,
        List<Join> join,
        List<Emit> emit,
        List<Broadcast> broadcast,
        JsonNode reply,
        Error error) {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Longest event, call or topic name, in characters (the protocol's). */
    private static final int MAX_NAME = 128;

    /** No actions: the answer of an empty {@code 2xx}. */
    static final WebhookActions NONE =
            new WebhookActions(null, false, List.of(), List.of(), List.of(), List.of(), null, null);

    /** A topic to join, with the member's presence data (JSON {@code null} when none). */
    record Join(String topic, JsonNode presence) {}

    /** An event to send to the page or channel the webhook was about. */
    record Emit(String event, JsonNode data) {}

    /** An event for a topic's members; {@code exceptSelf} leaves out the page or channel the webhook was about. */
    record Broadcast(String topic, String event, JsonNode data, boolean exceptSelf) {}

    /** An error for the browser: it fails a call, reaches the page as an {@code error} event, or refuses an open. */
    record Error(String code, String message) {}

    /** The answer is not what docs/GATEWAY.md says a webhook answer is. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads an answer's body.
     *
     * @param maxContextBytes the longest {@code context}, in UTF-8 bytes
     * @throws Malformed if it is neither empty nor a JSON object of the documented fields
     */
    static WebhookActions parse(byte[] body, int maxContextBytes) throws Malformed {
        if (isBlank(body)) {
            return NONE;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new Malformed("the answer is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new Malformed("the answer is not a JSON object");
        }
        String context = null;
        boolean clear = false;
        if (root.has("context")) {
            JsonNode c = root.get("context");
            if (c.isNull()) {
                clear = true;
            } else if (c.isTextual()) {
                context = c.textValue();
                int bytes = context.getBytes(StandardCharsets.UTF_8).length;
                if (bytes > maxContextBytes) {
                    throw new Malformed("context is " + bytes + " bytes, over the limit of " + maxContextBytes);
                }
            } else {
                throw new Malformed("context must be a string or null");
            }
        }
        List<String> leave = new ArrayList<>();
        for (JsonNode t : array(root, "leave")) {
            leave.add(name(t, "leave[]"));
        }
        List<Join> join = new ArrayList<>();
        for (JsonNode j : array(root, "join")) {
            if (j.isTextual()) {
                join.add(new Join(name(j, "join[]"), NullNode.getInstance()));
            } else if (j.isObject()) {
                join.add(new Join(name(j.get("topic"), "join[].topic"), orNull(j.get("presence"))));
            } else {
                throw new Malformed("join[] must hold topic names or {\"topic\": …, \"presence\": …}");
            }
        }
        List<Emit> emit = new ArrayList<>();
        for (JsonNode e : array(root, "emit")) {
            object(e, "emit[]");
            emit.add(new Emit(eventName(e.get("event"), "emit[].event"), orNull(e.get("data"))));
        }
        List<Broadcast> broadcast = new ArrayList<>();
        for (JsonNode b : array(root, "broadcast")) {
            object(b, "broadcast[]");
            JsonNode except = b.get("exceptSelf");
            if (except != null && !except.isBoolean() && !except.isNull()) {
                throw new Malformed("broadcast[].exceptSelf must be true or false");
            }
            broadcast.add(new Broadcast(
                    name(b.get("topic"), "broadcast[].topic"),
                    eventName(b.get("event"), "broadcast[].event"),
                    orNull(b.get("data")),
                    except != null && except.asBoolean()));
        }
        JsonNode reply = root.get("reply");
        Error error = null;
        JsonNode err = root.get("error");
        if (err != null && !err.isNull()) {
            object(err, "error");
            String code = name(err.get("code"), "error.code");
            JsonNode message = err.get("message");
            if (message != null && !message.isTextual() && !message.isNull()) {
                throw new Malformed("error.message must be a string");
            }
            error = new Error(code, message == null || message.isNull() ? code : message.textValue());
        }
        return new WebhookActions(
                context,
                clear,
                List.copyOf(leave),
                List.copyOf(join),
                List.copyOf(emit),
                List.copyOf(broadcast),
                reply,
                error);
    }

    /**
     * Acts on {@code target} (the page, or the endpoint channel the webhook was about) in the
     * documented order: context, leave, join, emit, broadcast. {@link #reply} and {@link #error} are
     * the caller's. Never blocks.
     *
     * @param context takes the page's new context ({@code null} clears it)
     */
    void apply(Pagewire app, Channel target, Consumer<String> context) {
        if (clearContext) {
            context.accept(null);
        } else if (this.context != null) {
            context.accept(this.context);
        }
        for (String topic : leave) {
            target.leave(topic);
        }
        for (Join j : join) {
            target.join(j.topic(), j.presence());
        }
        for (Emit e : emit) {
            target.emit(e.event(), e.data());
        }
        for (Broadcast b : broadcast) {
            if (b.exceptSelf()) {
                app.topic(b.topic()).emitExcept(target, b.event(), b.data());
            } else {
                app.topic(b.topic()).emit(b.event(), b.data());
            }
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static Iterable<JsonNode> array(JsonNode root, String field) throws Malformed {
        JsonNode a = root.get(field);
        if (a == null || a.isNull()) {
            return List.of();
        }
        if (!a.isArray()) {
            throw new Malformed(field + " must be an array");
        }
        return a;
    }

    private static void object(JsonNode node, String what) throws Malformed {
        if (node == null || !node.isObject()) {
            throw new Malformed(what + " must be an object");
        }
    }

    private static String name(JsonNode node, String what) throws Malformed {
        if (node == null
                || !node.isTextual()
                || node.textValue().isEmpty()
                || node.textValue().length() > MAX_NAME) {
            throw new Malformed(what + " must be a string of 1 to " + MAX_NAME + " characters");
        }
        return node.textValue();
    }

    private static String eventName(JsonNode node, String what) throws Malformed {
        String name = name(node, what);
        if (name.startsWith("pagewire:")) {
            throw new Malformed(what + " may not start with pagewire: (Pagewire's own events)");
        }
        return name;
    }

    private static JsonNode orNull(JsonNode node) {
        return node == null ? NullNode.getInstance() : node;
    }
}
