package dev.pagewire.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.internal.EndpointChannel;
import dev.pagewire.client.internal.Json;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A channel to an endpoint of the client's server ({@code app.endpoint(path, handler)}), opened with
 * {@link PagewireClient#open(String, Object)} and multiplexed on the client's one connection
 * (docs/PROTOCOL.md §12.1). It has the guarantees of the page's own channel: its frames are
 * numbered in the page's one sequence, so each arrives once and in order both ways, across drops,
 * reconnects and transports. Closing it leaves the page and the other channels alone; the page's
 * end ends it.
 *
 * <p><b>Threads.</b> Every method is thread-safe and none blocks. Its listeners, handlers and
 * futures run on the client's one callback thread, in order with the page's own.
 */
public final class ClientChannel implements AutoCloseable {

    private final EndpointChannel channel;
    private final ClientOptions options;

    ClientChannel(EndpointChannel channel, ClientOptions options) {
        this.channel = channel;
        this.options = options;
    }

    /** The endpoint's path, as given to {@code open}. */
    public String path() {
        return channel.path();
    }

    /** The channel's state now. */
    public ChannelState state() {
        return channel.state();
    }

    /**
     * Completes (on the callback thread) when the endpoint admitted the channel; fails with a
     * {@link ChannelRefusedException} when it refused it (its {@code code()} and {@code reason()}:
     * {@code not_found}, {@code refused}, {@code error}, {@code limit}) or the page ended first
     * ({@code page_closed}). Frames may be sent before it completes: they reach the endpoint after
     * its open handler. Do not wait for it on the callback thread; chain instead.
     */
    public CompletableFuture<Void> opened() {
        return channel.opened();
    }

    /** Listens to the endpoint's JSON events {@code event} ({@code channel.emit(event, data)}); data is never null. */
    public ClientChannel on(String event, Consumer<JsonNode> listener) {
        channel.end().dispatcher().onEvent(event, listener);
        return this;
    }

    /** Listens to the endpoint's binary events {@code event} ({@code channel.emit(event, bytes)}). */
    public ClientChannel onBinary(String event, Consumer<byte[]> listener) {
        channel.end().dispatcher().onBinary(event, listener);
        return this;
    }

    /** Listens to changes of {@link #state()}. */
    public ClientChannel onState(Consumer<ChannelStateChange> listener) {
        channel.end().dispatcher().onState(listener);
        return this;
    }

    /** Listens to the endpoint's {@code err} frames for this channel; without a listener they are logged. */
    public ClientChannel onError(Consumer<ServerError> listener) {
        channel.end().dispatcher().onError(listener);
        return this;
    }

    /**
     * Answers the endpoint's calls {@code name} ({@code channel.call(name, args)}), as {@link
     * PagewireClient#handle} does for the page.
     */
    public ClientChannel handle(String name, Function<JsonNode, Object> handler) {
        channel.end().handle(name, handler);
        return this;
    }

    /**
     * Sends the event {@code event} to the endpoint's handler ({@code channel.on(event, …)}), as
     * {@link PagewireClient#emit(String, Object)}.
     *
     * @throws IllegalStateException if the channel is over, or the client's queue is full
     */
    public void emit(String event, Object data) {
        channel.end().emit(event, Json.toJson(data));
    }

    /** Sends a binary event (a copy of {@code bytes}); a {@code null} sends a JSON event with data null. */
    public void emit(String event, byte[] bytes) {
        if (bytes == null) {
            channel.end().emit(event, Json.toJson(null));
        } else {
            channel.end().emit(event, bytes);
        }
    }

    /** Calls the endpoint's handler {@code name} with {@link ClientOptions#callTimeout()}. */
    public CompletableFuture<JsonNode> call(String name, Object args) {
        return call(name, args, options.callTimeout());
    }

    /**
     * Calls the handler the endpoint registered with {@code channel.handle(name, …)}, as {@link
     * PagewireClient#call(String, Object, Duration)}; a call still waiting when the channel ends
     * fails with {@code closed}.
     */
    public CompletableFuture<JsonNode> call(String name, Object args, Duration timeout) {
        return channel.end().call(name, Json.toJson(args), timeout);
    }

    /**
     * Closes the channel: says {@code chclose} to the endpoint (its close hooks run), state {@link
     * ChannelState#CLOSED}, calls still waiting fail with {@code closed}. Idempotent; the page and
     * the other channels go on.
     */
    @Override
    public void close() {
        channel.close();
    }

    @Override
    public String toString() {
        return "ClientChannel[" + path() + ", " + state() + "]";
    }
}
