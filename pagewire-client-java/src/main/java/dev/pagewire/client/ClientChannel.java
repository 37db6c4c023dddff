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

    /** {@return the endpoint's path, as given to {@code open}} */
    public String path() {
        return channel.path();
    }

    /** {@return the channel's state now} */
    public ChannelState state() {
        return channel.state();
    }

    /**
     * Completes (on the callback thread) when the endpoint admitted the channel; fails with a
     * {@link ChannelRefusedException} when it refused it (its {@code code()} and {@code reason()}:
     * {@code not_found}, {@code refused}, {@code error}, {@code limit}) or the page ended first
     * ({@code page_closed}). Frames may be sent before it completes: they reach the endpoint after
     * its open handler. Do not wait for it on the callback thread; chain instead.
     *
     * @return a future of the endpoint's answer
     */
    public CompletableFuture<Void> opened() {
        return channel.opened();
    }

    /**
     * Listens to the endpoint's JSON events {@code event} ({@code channel.emit(event, data)}).
     *
     * @param event the events' name
     * @param listener called with each event's data, never {@code null}, on the callback thread
     * @return this channel
     */
    public ClientChannel on(String event, Consumer<JsonNode> listener) {
        channel.end().dispatcher().onEvent(event, listener);
        return this;
    }

    /**
     * Listens to the endpoint's binary events {@code event} ({@code channel.emit(event, bytes)}).
     *
     * @param event the events' name
     * @param listener called with each event's bytes, on the callback thread
     * @return this channel
     */
    public ClientChannel onBinary(String event, Consumer<byte[]> listener) {
        channel.end().dispatcher().onBinary(event, listener);
        return this;
    }

    /**
     * Listens to changes of {@link #state()}.
     *
     * @param listener called with each change, on the callback thread
     * @return this channel
     */
    public ClientChannel onState(Consumer<ChannelStateChange> listener) {
        channel.end().dispatcher().onState(listener);
        return this;
    }

    /**
     * Listens to the endpoint's {@code err} frames for this channel; without a listener they are logged.
     *
     * @param listener called with each error, on the callback thread
     * @return this channel
     */
    public ClientChannel onError(Consumer<ServerError> listener) {
        channel.end().dispatcher().onError(listener);
        return this;
    }

    /**
     * Answers the endpoint's calls {@code name} ({@code channel.call(name, args)}), as {@link
     * PagewireClient#handle} does for the page.
     *
     * @param name the calls' name
     * @param handler turns a call's arguments into its reply
     * @return this channel
     */
    public ClientChannel handle(String name, Function<JsonNode, Object> handler) {
        channel.end().handle(name, handler);
        return this;
    }

    /**
     * Sends the event {@code event} to the endpoint's handler ({@code channel.on(event, …)}), as
     * {@link PagewireClient#emit(String, Object)}.
     *
     * @param event the event's name
     * @param data anything Jackson converts to JSON, or {@code null}
     * @throws IllegalStateException if the channel is over, or the client's queue is full
     */
    public void emit(String event, Object data) {
        channel.end().emit(event, Json.toJson(data));
    }

    /**
     * Sends a binary event (a copy of {@code bytes}); a {@code null} sends a JSON event with data null.
     *
     * @param event the event's name
     * @param bytes the data, copied before this returns; or {@code null}
     * @throws IllegalStateException if the channel is over, or the client's queue is full
     */
    public void emit(String event, byte[] bytes) {
        if (bytes == null) {
            channel.end().emit(event, Json.toJson(null));
        } else {
            channel.end().emit(event, bytes);
        }
    }

    /**
     * Calls the endpoint's handler {@code name} with {@link ClientOptions#callTimeout()}; as
     * {@link #call(String, Object, Duration)}.
     *
     * @param name the name the endpoint's handler was registered under
     * @param args anything Jackson converts to JSON, or {@code null}
     * @return the endpoint's reply, or a {@link CallFailedException}
     */
    public CompletableFuture<JsonNode> call(String name, Object args) {
        return call(name, args, options.callTimeout());
    }

    /**
     * Calls the handler the endpoint registered with {@code channel.handle(name, …)}, as {@link
     * PagewireClient#call(String, Object, Duration)}; a call still waiting when the channel ends
     * fails with {@code closed}.
     *
     * @param name the name the endpoint's handler was registered under
     * @param args anything Jackson converts to JSON, or {@code null}
     * @param timeout how long to wait for the reply before failing with {@code timeout}
     * @return the endpoint's reply, or a {@link CallFailedException}
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
