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

    /**
     * Registers the handler for the events that have no handler of their own ({@link Event#name()}
     * says which), replacing any earlier one; without it such events are answered with the error
     * {@code unknown_event}. For code that forwards whatever a page raises (the gateway's webhooks).
     */
    void onOther(EventHandler handler);

    /**
     * Registers the handler that answers the calls that have no handler of their own
     * ({@link Event#name()} is the call's name), replacing any earlier one; without it such calls
     * are answered with the error {@code unknown_call}.
     */
    void handleOther(CallHandler handler);

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
     * Sends an event to the client. {@code data} is converted to JSON (Jackson): records, maps,
     * lists, strings, numbers, {@code JsonNode}, or {@code null}. Never blocks; kept until the
     * client acknowledges it and resent after a reconnect (bounded by
     * {@link Settings#maxReplayFrames()} and {@link Settings#maxReplayBytes()}). A no-op once
     * closed. Names starting {@code pagewire:} are Pagewire's own events
     * ({@link Topic#announcePresence}); {@link #on} accepts them, emitting them is refused.
     *
     * @throws IllegalArgumentException if {@code data} cannot be converted to JSON, or the name is
     *     not 1 to 128 characters or starts with {@code pagewire:}
     */
    void emit(String event, Object data);

    /**
     * Sends a binary event; the browser receives an {@code ArrayBuffer}. Names as for
     * {@link #emit(String, Object)}.
     */
    void emit(String event, byte[] bytes);

    /**
     * Joins a topic with no presence data (JSON {@code null}); see {@link #join(String, Object)}.
     *
     * @throws NullPointerException if {@code topic} is null
     */
    void join(String topic);

    /**
     * Joins a topic: its broadcasts reach this channel until it leaves or closes. {@code presence}
     * is what other members learn about this member ({@link Topic#members()}, the browser's
     * {@code pagewire:join}); it is converted to JSON like {@link #emit} data, at the call (later
     * changes to it are not seen), {@code null} meaning JSON {@code null}. Joining a topic this
     * channel is a member of already replaces its presence data, announced as a join again; it
     * does not resend the history. A no-op on a closed channel.
     *
     * @throws NullPointerException if {@code topic} is null
     * @throws IllegalArgumentException if {@code presence} cannot be converted to JSON
     */
    void join(String topic, Object presence);

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
