package dev.pagewire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One ordered, two-way stream between a page and one server object: the page's own channel (the
 * {@link Page} itself) or a channel the page opened to an endpoint
 * ({@link Pagewire#endpoint(String, EndpointHandler)}, {@code pagewire.open(path, params)} in the
 * browser). An endpoint gets one {@code Channel} per channel opened, so per-channel state lives in
 * the handler's variables.
 *
 * <p>Threads: every method is thread-safe and may be called from anywhere. A channel's handlers
 * and hooks run one at a time, in arrival order, on virtual threads; different channels of a page
 * run independently.
 */
public interface Channel {

    /** The path of the endpoint (for a {@link Page}: the path it was rendered at). */
    String path();

    /** The parameters the channel was opened with; JSON {@code null} when none (and for a page). */
    JsonNode params();

    /**
     * The page that opened this channel. For a page it is the page itself; for a channel of an
     * endpoint connection (another origin, or a client with no page, docs/PROTOCOL.md §12.2) it is
     * the page without HTML that the connection created.
     */
    Page page();

    /** Registers the handler for the events named {@code event}, replacing any earlier one. */
    void on(String event, EventHandler handler);

    /**
     * Registers the handler that answers the calls named {@code name}, replacing any earlier one.
     * Calls without a handler are answered with the error {@code unknown_call}.
     *
     * @throws IllegalArgumentException if the name is empty or longer than 128 characters
     */
    void handle(String name, CallHandler handler);

    /** Calls the client's handler {@code name}; see {@link #call(String, Object, Duration)}. */
    CompletableFuture<JsonNode> call(String name, Object args);

    /**
     * Calls the handler the client registered under {@code name} on this channel and returns its
     * reply. Never blocks; the call travels in order with the channel's events and survives
     * reconnects. The future completes on a virtual thread, with the reply or a
     * {@link CallException}: {@code timeout}, {@code closed} when the channel closes first, or the
     * client's error code.
     *
     * @throws IllegalArgumentException if the name is not 1 to 128 characters or {@code args}
     *     cannot be converted to JSON
     */
    CompletableFuture<JsonNode> call(String name, Object args, Duration timeout);

    /**
     * Sends an event to the client. {@code data} is converted to JSON (Jackson). Never blocks; kept
     * until the client acknowledges it and resent after a reconnect. A no-op once closed.
     *
     * @throws IllegalArgumentException if {@code data} cannot be converted to JSON
     */
    void emit(String event, Object data);

    /** Sends a binary event; the browser receives an {@code ArrayBuffer}. */
    void emit(String event, byte[] bytes);

    /** Joins a topic: its broadcasts reach this channel until it leaves or closes. */
    void join(String topic);

    /** Leaves a topic; a no-op if not a member. */
    void leave(String topic);

    /** The topics this channel is a member of. */
    Set<String> topics();

    /** Runs {@code hook} once when the channel closes for good (by either side, or with its page). */
    void onClose(Runnable hook);

    /** Whether the channel is closed for good. */
    boolean isClosed();

    /**
     * Closes the channel. For an endpoint's channel the client's channel goes to state
     * {@code closed}; the page and its other channels are not affected. For a {@link Page} this
     * closes the page.
     */
    void close();
}
