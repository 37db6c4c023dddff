package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.pagewire.client.CallFailedException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Calls with replies both ways on one channel (docs/PROTOCOL.md §11, §12.1): the client's calls
 * waiting for their {@code res}, and the handlers for the server's calls; ids are per channel. Calls and replies are data frames, numbered and
 * kept like events, so they survive reconnects and run once.
 *
 * <p>The channel calls every method but {@link #handle} under its lock; futures complete, and
 * handlers run, on the {@link Dispatcher}'s thread.
 */
final class Calls {

    private static final System.Logger LOG = System.getLogger(Calls.class.getName());

    /** Numbers and keeps a data frame and sends it when it can; throws when the queue is full. */
    interface Sender {
        void send(Sequencer.Encoder encoder, Runnable onDrop, String what);
    }

    private record Pending(String name, CompletableFuture<JsonNode> future, Future<?> timer) {}

    private final String head;
    private final Sender sender;
    private final Later later;
    private final Dispatcher<?> dispatcher;
    private final Map<Long, Pending> pending = new HashMap<>();
    private final Map<String, Function<JsonNode, Object>> handlers = new ConcurrentHashMap<>();
    private long nextId = 1;
    private String closedAs;

    /** {@code head} opens each frame of the channel: {@link Frames#head}. */
    Calls(String head, Sender sender, Later later, Dispatcher<?> dispatcher) {
        this.head = head;
        this.sender = sender;
        this.later = later;
        this.dispatcher = dispatcher;
    }

    CompletableFuture<JsonNode> call(String name, JsonNode args, Duration timeout) {
        long id = nextId;
        String start = head + "\"call\"," + id + "," + Frames.quote(name) + "," + Frames.text(args);
        sender.send(
                (seq, ack) -> Frames.numbered(start, seq, ack),
                () -> settle(
                        id,
                        false,
                        failure(
                                "message_too_large",
                                "the server refused the call \"" + name + "\" as larger than its maxMessageBytes")),
                "call \"" + name + "\"");
        nextId++;
        CompletableFuture<JsonNode> future = new CallbackFuture<>(dispatcher.thread());
        Future<?> timer = later.run(
                timeout.toMillis(),
                () -> settle(
                        id,
                        false,
                        failure(
                                "timeout",
                                "the call \"" + name + "\" got no answer within " + timeout.toMillis() + " ms")));
        pending.put(id, new Pending(name, future, timer));
        // Cancelling the future forgets the call; a late reply is then ignored.
        future.whenComplete((v, e) -> {
            if (future.isCancelled()) {
                timer.cancel(false);
            }
        });
        return future;
    }

    /** A {@code res} frame: settles its call; an unknown or answered id is ignored (§11). */
    void onReply(Inbound res) {
        if (!res.at(1).canConvertToLong()) {
            return;
        }
        settle(res.at(1).asLong(), res.at(2).asBoolean(false), res.at(3));
    }

    void handle(String name, Function<JsonNode, Object> handler) {
        handlers.put(name, handler);
    }

    /** A {@code call} frame: runs its handler on the dispatcher's thread and answers with a {@code res}. */
    void onCall(Inbound call) {
        JsonNode id = call.at(1);
        String name = call.at(2).asText();
        JsonNode args = call.at(3).isMissingNode() ? NullNode.getInstance() : call.at(3);
        dispatcher.post(() -> {
            Function<JsonNode, Object> handler = handlers.get(name);
            boolean ok;
            String value;
            if (handler == null) {
                ok = false;
                value = Frames.text(failure("unknown_call", "no handler for the call \"" + name + "\" on this client"));
            } else {
                String answer;
                boolean fine;
                try {
                    answer = Frames.text(Frames.toJson(handler.apply(args)));
                    fine = true;
                } catch (CallFailedException e) {
                    answer = Frames.text(failure(e.code(), String.valueOf(e.getMessage())));
                    fine = false;
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "pagewire: the handler for the call \"" + name + "\" failed", e);
                    answer = Frames.text(failure("handler_error", "the handler for \"" + name + "\" failed"));
                    fine = false;
                }
                ok = fine;
                value = answer;
            }
            String start = head + "\"res\"," + id + "," + ok + "," + value;
            try {
                sender.send((seq, ack) -> Frames.numbered(start, seq, ack), null, "answer the call \"" + name + "\"");
            } catch (IllegalStateException e) {
                // Too many frames kept, or the channel is over: the server's call times out.
                LOG.log(Level.WARNING, "pagewire: cannot answer the call \"" + name + "\": " + e.getMessage());
            }
        });
    }

    /** The channel is over: every call still waiting fails with {@code closed}. */
    void close(String state) {
        closedAs = state;
        for (Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Pending call = it.next().getValue();
            it.remove();
            call.timer.cancel(false);
            CompletableFuture<JsonNode> future = call.future;
            dispatcher.post(
                    () -> future.completeExceptionally(new CallFailedException("closed", "the channel is " + state)));
        }
    }

    boolean closed() {
        return closedAs != null;
    }

    private void settle(long id, boolean ok, JsonNode value) {
        Pending call = pending.remove(id);
        if (call == null) {
            return;
        }
        call.timer.cancel(false);
        CompletableFuture<JsonNode> future = call.future;
        if (ok) {
            JsonNode result = value.isMissingNode() ? NullNode.getInstance() : value;
            dispatcher.post(() -> future.complete(result));
        } else {
            CallFailedException e = new CallFailedException(
                    value.path("code").asText("error"), value.path("message").asText(""));
            dispatcher.post(() -> future.completeExceptionally(e));
        }
    }

    private static JsonNode failure(String code, String message) {
        return Frames.MAPPER.createObjectNode().put("code", code).put("message", message);
    }
}
