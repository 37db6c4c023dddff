package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.ServerError;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The client's end of one channel (docs/PROTOCOL.md §3, §11, §12.1): the page's own (number 0) or
 * one to an endpoint. Its listeners, its calls, and the frames it sends, which start with its
 * number and are numbered in the connection's one sequence, so they are resent and resumed with
 * every other frame of the page.
 *
 * <p>Thread-safe: sending takes the connection's lock; listeners run on the client's callback
 * thread.
 *
 * @param <S> what its state listeners are told
 */
public final class ChannelEnd<S> {

    private final long number;
    private final String head;
    private final Wire wire;
    private final Dispatcher<S> dispatcher;
    private final Calls calls;
    /** What the channel became when it stopped carrying frames, or null while it does; guarded by the lock. */
    private String over;

    ChannelEnd(long number, Wire wire, CallbackThread thread) {
        this.number = number;
        this.head = Frames.head(number);
        this.wire = wire;
        this.dispatcher = new Dispatcher<>(thread);
        this.calls = new Calls(head, this::send, wire::later, dispatcher);
    }

    /** The channel's number; 0 for the page's own. */
    public long number() {
        return number;
    }

    public Dispatcher<S> dispatcher() {
        return dispatcher;
    }

    public void handle(String name, Function<JsonNode, Object> handler) {
        calls.handle(Frames.checkName(name), Objects.requireNonNull(handler, "handler"));
    }

    public void emit(String name, JsonNode data) {
        String start = Frames.eventStart(head, Frames.checkName(name), data);
        send((s, a) -> Frames.numbered(start, s, a), null, "emit \"" + name + "\"");
    }

    public void emit(String name, byte[] bytes) {
        Frames.checkName(name);
        byte[] payload = Frames.copy(bytes);
        send((s, a) -> Frames.binary(head, name, payload, s, a), null, "emit \"" + name + "\"");
    }

    public CompletableFuture<JsonNode> call(String name, JsonNode args, Duration timeout) {
        Frames.checkName(name);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        return wire.locked(() -> calls.call(name, args, timeout));
    }

    /** Numbers and sends a data frame of this channel; throws once the channel is over or the queue is full. */
    void send(Sequencer.Encoder encoder, Runnable onDrop, String what) {
        wire.locked(() -> {
            if (over != null) {
                throw new IllegalStateException("cannot " + what + ": the channel is " + over);
            }
            wire.send(encoder, onDrop, what);
            return null;
        });
    }

    /** A data frame of this channel from the server, in the server's order. Under the lock. */
    void deliver(Inbound frame) {
        switch (frame.type()) {
            case "ev" -> {
                String name = frame.at(1).asText();
                if (frame.bytes() != null) {
                    dispatcher.binary(name, frame.bytes());
                } else {
                    JsonNode data = frame.at(2);
                    dispatcher.event(name, data.isMissingNode() ? Frames.toJson(null) : data);
                }
            }
            case "err" ->
                dispatcher.error(
                        new ServerError(frame.at(1).asText(""), frame.at(2).asText("")));
            case "call" -> calls.onCall(frame);
            default -> calls.onReply(frame);
        }
    }

    /** The channel carries nothing more: sends throw, calls still waiting fail with {@code closed}. Under the lock. */
    void end(String state) {
        if (over == null) {
            over = state;
            calls.close(state);
        }
    }
}
