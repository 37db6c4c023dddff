package dev.pagewire.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.internal.Connection;
import dev.pagewire.client.internal.EndpointChannel;
import dev.pagewire.client.internal.Json;
import dev.pagewire.client.internal.PageLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A Java client of one page's channel (docs/PROTOCOL.md): it renders the page with a GET (or opens
 * an endpoint with a POST, {@link #openEndpoint}), reads its token, and keeps a connection to the
 * server open over WebSocket, SSE + POST or long-polling, reconnecting, resuming, and upgrading
 * from a fallback to WebSocket by itself. Channels to the server's endpoints ({@link #open(String,
 * Object)}) ride on that one connection.
 *
 * <pre>{@code
 * PagewireClient client = PagewireClient.open(URI.create("http://localhost:8080/chat"),
 *         o -> o.setup(c -> c.on("said", data -> System.out.println(data))));
 * client.emit("say", "hello");
 * JsonNode answer = client.call("whoami", null).join();
 * ClientChannel stocks = client.open("/stocks", Map.of("symbol", "ACME"),
 *         ch -> ch.on("tick", tick -> System.out.println(tick)));
 * client.close();
 * }</pre>
 *
 * <p><b>Guarantees</b> (§10): every data frame (event, call, reply) is numbered, kept until the
 * server acks it and resent after a reconnect, so each arrives once and in order both ways, across
 * drops and transports, within the bounds of {@link ClientOptions#maxQueued()} on this side and
 * the server's replay buffer on the other (past which {@link #onMissed} says what was lost).
 *
 * <p><b>Threads.</b> Every method is thread-safe and none blocks on the network except {@link
 * #open}, which waits for the page's GET. Listeners, handlers and the completion of call futures run
 * on one thread of this client, one at a time, in the order things happened (events in the
 * server's order); never on the HTTP client's threads. A listener that blocks delays the next
 * listeners, not the connection: acks, pings and resends go on.
 */
public final class PagewireClient implements AutoCloseable {

    private static final AtomicInteger COUNT = new AtomicInteger();

    private final Connection connection;
    private final ClientOptions options;

    private PagewireClient(Connection connection, ClientOptions options) {
        this.connection = connection;
        this.options = options;
    }

    /**
     * Opens {@code pageUrl} with the default {@link ClientOptions}; as {@link #open(URI, Consumer)}.
     *
     * @param pageUrl the page's URL, a Pagewire page route
     * @return the client, connecting
     * @throws IOException if the page cannot be fetched or carries no page token
     * @throws InterruptedException if interrupted while fetching the page
     */
    public static PagewireClient open(URI pageUrl) throws IOException, InterruptedException {
        return open(pageUrl, o -> {});
    }

    /**
     * GETs the page at {@code pageUrl} (a Pagewire page route), reads its token, runs {@link
     * ClientOptions#setup()} with the new client, then starts connecting and returns without
     * waiting for the connection: watch {@link #onState} or {@link #state()}.
     *
     * @param pageUrl the page's URL, a Pagewire page route
     * @param config changes the default {@link ClientOptions}, e.g. {@code o -> o.setup(c -> c.on(…))}
     * @return the client, connecting
     * @throws IOException if the page cannot be fetched or carries no page token
     * @throws InterruptedException if interrupted while fetching the page
     */
    public static PagewireClient open(URI pageUrl, Consumer<ClientOptions.Builder> config)
            throws IOException, InterruptedException {
        Objects.requireNonNull(pageUrl, "pageUrl");
        return connect(config, (http, timeout) -> PageLoader.load(http, pageUrl, timeout));
    }

    /**
     * Opens an endpoint connection with the default {@link ClientOptions}; as
     * {@link #openEndpoint(URI, Object, Consumer)}.
     *
     * @param endpointUrl the endpoint's URL
     * @param params the parameters, converted to JSON; {@code null} for none
     * @return the client, connecting
     * @throws ChannelRefusedException if the endpoint refused the connection
     * @throws IOException if the POST fails or is answered otherwise
     * @throws InterruptedException if interrupted while waiting for the answer
     */
    public static PagewireClient openEndpoint(URI endpointUrl, Object params) throws IOException, InterruptedException {
        return openEndpoint(endpointUrl, params, o -> {});
    }

    /**
     * Opens a connection of its own to the endpoint at {@code endpointUrl} (docs/PROTOCOL.md §12.2):
     * POSTs {@code {"params": params}} (params converted to JSON), which runs the endpoint's
     * authorizer and creates a page without HTML, then connects to the endpoint URL with its token
     * exactly as {@link #open(URI, Consumer)} does for a page, on every transport, with the same
     * guarantees. The client's own channel ({@link #on}, {@link #emit}, {@link #call}, {@link
     * #handle}) is the endpoint instance; its {@code channel.close()} closes the client
     * ({@link ConnectionState#CLOSED}, code 4000). The client may {@link #open(String, Object)} more
     * channels to endpoints of the same server.
     *
     * @param endpointUrl the endpoint's URL
     * @param params the parameters, converted to JSON; {@code null} for none
     * @param config changes the default {@link ClientOptions}
     * @return the client, connecting
     * @throws ChannelRefusedException if the authorizer refused ({@code refused}, with its reason),
     *     the server does not allow the Origin this client's requests carry ({@code origin}), or
     *     there is no endpoint at that path ({@code not_found})
     * @throws IOException if the POST fails or is answered otherwise (400, 5xx, a 200 that is not
     *     an endpoint's JSON): the message has the status and body
     * @throws InterruptedException if interrupted while waiting for the answer
     */
    public static PagewireClient openEndpoint(URI endpointUrl, Object params, Consumer<ClientOptions.Builder> config)
            throws IOException, InterruptedException {
        Objects.requireNonNull(endpointUrl, "endpointUrl");
        JsonNode json = Json.toJson(params);
        return connect(config, (http, timeout) -> PageLoader.openEndpoint(http, endpointUrl, json, timeout));
    }

    /** How a client gets its token: a page's GET or an endpoint's POST. */
    @FunctionalInterface
    private interface TokenSource {
        PageLoader.Rendered fetch(HttpClient http, Duration timeout) throws IOException, InterruptedException;
    }

    private static PagewireClient connect(Consumer<ClientOptions.Builder> config, TokenSource source)
            throws IOException, InterruptedException {
        ClientOptions options = options(config);
        HttpClient http = httpClient(options);
        PageLoader.Rendered page;
        try {
            page = source.fetch(http, connectTimeout(options).plusSeconds(20));
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (options.httpClient() == null) {
                http.shutdownNow();
            }
            throw e;
        }
        return connect(page, options, http);
    }

    /** Connects to the channel of a page already rendered, with its token: for tests of refusals. */
    static PagewireClient connect(URI pageUrl, String token, Consumer<ClientOptions.Builder> config) {
        ClientOptions options = options(config);
        return connect(
                new PageLoader.Rendered(pageUrl, token, PageLoader.Deadlines.NONE), options, httpClient(options));
    }

    private static ClientOptions options(Consumer<ClientOptions.Builder> config) {
        ClientOptions.Builder builder = ClientOptions.builder();
        config.accept(builder);
        return builder.build();
    }

    private static Duration connectTimeout(ClientOptions options) {
        return options.connectTimeout() != null ? options.connectTimeout() : Duration.ofSeconds(10);
    }

    private static HttpClient httpClient(ClientOptions options) {
        return options.httpClient() != null
                ? options.httpClient()
                : HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(connectTimeout(options))
                        .build();
    }

    private static PagewireClient connect(PageLoader.Rendered page, ClientOptions options, HttpClient http) {
        Connection connection = new Connection(
                options, http, options.httpClient() == null, page, "pagewire-client-" + COUNT.incrementAndGet());
        PagewireClient client = new PagewireClient(connection, options);
        options.setup().accept(client);
        connection.start();
        return client;
    }

    /**
     * Listens to the JSON events {@code event} from the server ({@code page.emit(event, data)});
     * {@code data} is never {@code null} (JSON null when absent). Listeners added after {@link
     * #open} returned may miss the first events: add those in {@link ClientOptions#setup()}.
     *
     * @param event the events' name
     * @param listener called with each event's data, on the client's callback thread
     * @return this client
     */
    public PagewireClient on(String event, Consumer<JsonNode> listener) {
        connection.page().dispatcher().onEvent(event, listener);
        return this;
    }

    /**
     * Listens to the binary events {@code event} from the server ({@code page.emit(event, bytes)}).
     *
     * @param event the events' name
     * @param listener called with each event's bytes, on the client's callback thread
     * @return this client
     */
    public PagewireClient onBinary(String event, Consumer<byte[]> listener) {
        connection.page().dispatcher().onBinary(event, listener);
        return this;
    }

    /**
     * Listens to changes of {@link #state()}.
     *
     * @param listener called with each change, on the client's callback thread
     * @return this client
     */
    public PagewireClient onState(Consumer<StateChange> listener) {
        connection.page().dispatcher().onState(listener);
        return this;
    }

    /**
     * Listens to the switch of a connection from a fallback to WebSocket (an upgrade, §9.5),
     * which is no state change; a reconnect reports its transport in its {@link StateChange}.
     *
     * @param listener called with the new transport, on the client's callback thread
     * @return this client
     */
    public PagewireClient onTransport(Consumer<Transport> listener) {
        connection.page().dispatcher().onTransport(listener);
        return this;
    }

    /**
     * Listens to data the server lost for good while this client was away (§10.4).
     *
     * @param listener called with what was lost, on the client's callback thread
     * @return this client
     */
    public PagewireClient onMissed(Consumer<Missed> listener) {
        connection.page().dispatcher().onMissed(listener);
        return this;
    }

    /**
     * Listens to the server's {@code err} frames; without a listener they are logged.
     *
     * @param listener called with each error, on the client's callback thread
     * @return this client
     */
    public PagewireClient onError(Consumer<ServerError> listener) {
        connection.page().dispatcher().onError(listener);
        return this;
    }

    /**
     * Answers the server's calls {@code name} ({@code page.call(name, args)}) with what {@code
     * handler} returns (converted to JSON with Jackson; {@code null} is JSON null), replacing any
     * earlier handler. It runs on the client's callback thread; throw {@link CallFailedException}
     * to answer with a code, anything else answers {@code handler_error}.
     *
     * @param name the calls' name
     * @param handler turns a call's arguments into its reply
     * @return this client
     */
    public PagewireClient handle(String name, Function<JsonNode, Object> handler) {
        connection.page().handle(name, handler);
        return this;
    }

    /**
     * Sends the event {@code event} with {@code data} converted to JSON (Jackson: records, maps,
     * lists, strings, numbers, {@code JsonNode}, or {@code null}). Never blocks: the frame is kept
     * and sent as soon as a connection can carry it.
     *
     * @param event the event's name
     * @param data anything Jackson converts to JSON, or {@code null}
     * @throws IllegalArgumentException if the name is not 1 to 128 characters or data is not JSON
     * @throws IllegalStateException if {@link ClientOptions#maxQueued()} frames wait for the
     *     server's ack already (try again later), or the channel is closed or expired
     */
    public void emit(String event, Object data) {
        connection.page().emit(event, Json.toJson(data));
    }

    /**
     * Sends a binary event (a copy of {@code bytes}); as {@link #emit(String, Object)}. A {@code
     * null} (which Java picks this overload for) sends a JSON event with data null.
     *
     * @param event the event's name
     * @param bytes the data, copied before this returns; or {@code null}
     * @throws IllegalStateException as {@link #emit(String, Object)}
     */
    public void emit(String event, byte[] bytes) {
        if (bytes == null) {
            connection.page().emit(event, Json.toJson(null));
        } else {
            connection.page().emit(event, bytes);
        }
    }

    /**
     * Calls the server's handler {@code name} with {@link ClientOptions#callTimeout()}; as
     * {@link #call(String, Object, Duration)}.
     *
     * @param name the name the server's handler was registered under
     * @param args anything Jackson converts to JSON, or {@code null}
     * @return the server's reply, or a {@link CallFailedException}
     * @throws IllegalStateException as {@link #emit(String, Object)}
     */
    public CompletableFuture<JsonNode> call(String name, Object args) {
        return call(name, args, options.callTimeout());
    }

    /**
     * Calls the handler the server registered with {@code page.handle(name, ...)} (§11). The
     * future completes on the callback thread with its value (JSON null for none), or
     * exceptionally with a {@link CallFailedException}: {@code timeout} after {@code timeout},
     * {@code closed} if the channel ends first, or the server's code. Cancelling it forgets the
     * call. Do not wait for it on the callback thread (in a listener or handler): its {@code get}
     * and {@code join} throw {@link IllegalStateException} there, as the reply could never arrive;
     * chain with {@code thenAccept} instead.
     *
     * @param name the name the server's handler was registered under
     * @param args anything Jackson converts to JSON, or {@code null}
     * @param timeout how long to wait for the reply before failing with {@code timeout}
     * @return the server's reply, or a {@link CallFailedException}
     * @throws IllegalStateException as {@link #emit(String, Object)}
     */
    public CompletableFuture<JsonNode> call(String name, Object args, Duration timeout) {
        return connection.page().call(name, Json.toJson(args), timeout);
    }

    /**
     * Opens a channel to the endpoint at {@code path} with no params; as
     * {@link #open(String, Object, Consumer)}.
     *
     * @param path the endpoint's path, starting with {@code /}
     * @return the channel, opening
     */
    public ClientChannel open(String path) {
        return open(path, null, c -> {});
    }

    /**
     * Opens a channel to the endpoint at {@code path} with {@code params}; as
     * {@link #open(String, Object, Consumer)}.
     *
     * @param path the endpoint's path, starting with {@code /}
     * @param params the parameters, converted to JSON; {@code null} for none
     * @return the channel, opening
     */
    public ClientChannel open(String path, Object params) {
        return open(path, params, c -> {});
    }

    /**
     * Opens a channel to the endpoint at {@code path} ({@code app.endpoint(path, …)} on this
     * client's server) on this client's connection (docs/PROTOCOL.md §12.1), with {@code params}
     * converted to JSON (the endpoint's {@code channel.params()}). {@code setup} runs first, on
     * this thread, to register the listeners that must see the endpoint's first frames. Returns at
     * once: {@link ClientChannel#opened()} tells whether the endpoint admitted it. May be called
     * before the connection is up; the {@code chopen} waits for it like any frame.
     *
     * @param path the endpoint's path, starting with {@code /}
     * @param params the parameters, converted to JSON; {@code null} for none
     * @param setup registers the channel's first listeners, before its {@code chopen} is sent
     * @return the channel, opening
     * @throws IllegalArgumentException if {@code path} does not start with {@code /}, or params are not JSON
     * @throws IllegalStateException if the client is closed or expired, or its queue is full
     */
    public ClientChannel open(String path, Object params, Consumer<ClientChannel> setup) {
        Objects.requireNonNull(setup, "setup");
        EndpointChannel opening = connection.channels().create(path, Json.toJson(params));
        ClientChannel channel = new ClientChannel(opening, options);
        setup.accept(channel);
        connection.channels().start(opening);
        return channel;
    }

    /** {@return the channel's state now} */
    public ConnectionState state() {
        return connection.state();
    }

    /** {@return the transport of the connection while {@link ConnectionState#CONNECTED}, else {@code null}} */
    public Transport transport() {
        return connection.transport();
    }

    /** {@return the page's id from the server's {@code hello}; {@code null} before the first} */
    public String pageId() {
        return connection.pageId();
    }

    /**
     * Says {@code ["bye"]} to the server, which closes the page at once, and closes the channel
     * for good: state {@link ConnectionState#CLOSED}, calls still waiting fail with {@code closed}.
     * Idempotent. An {@link ClientOptions#httpClient()} given in the options stays open.
     */
    @Override
    public void close() {
        connection.close();
    }

    /** How many data frames wait for the server's ack (or a connection); for tests and metrics. */
    int queued() {
        return connection.queued();
    }
}
