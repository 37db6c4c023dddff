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

    /** {@return the path of the endpoint (for a {@link Page}: the path it was rendered at)} */
    String path();

    /**
     * {@return the parameters the channel was opened with; JSON {@code null} when none (and for a
     * page), never {@code null}}
     */
    JsonNode params();

    /**
     * The page that opened this channel. For a page it is the page itself; for a channel of an
     * endpoint connection (another origin, or a client with no page, docs/PROTOCOL.md §12.2) it is
     * the page without HTML that the connection created.
     *
     * @return the channel's page; never {@code null}
     */
    Page page();

    /**
     * Registers the handler for the events named {@code event}, replacing any earlier one.
     *
     * @param event the events' name
     * @param handler handles each of them on the channel's virtual thread
     */
    void on(String event, EventHandler handler);

    /**
     * Registers the handler that answers the calls named {@code name}, replacing any earlier one.
     * Calls without a handler are answered with the error {@code unknown_call}.
     *
     * @param name the calls' name
     * @param handler answers each of them on the channel's virtual thread
     * @throws IllegalArgumentException if the name is empty or longer than 128 characters
     */
    void handle(String name, CallHandler handler);

    /**
     * Registers the handler for the events that have no handler of their own ({@link Event#name()}
     * says which), replacing any earlier one; without it such events are answered with the error
     * {@code unknown_event}. For code that forwards whatever a page raises (the gateway's webhooks).
     *
     * @param handler handles each such event on the channel's virtual thread
     */
    void onOther(EventHandler handler);

    /**
     * Registers the handler that answers the calls that have no handler of their own
     * ({@link Event#name()} is the call's name), replacing any earlier one; without it such calls
     * are answered with the error {@code unknown_call}.
     *
     * @param handler answers each such call on the channel's virtual thread
     */
    void handleOther(CallHandler handler);

    /**
     * Calls the client's handler {@code name}, waiting {@link Settings#callTimeout()} for its reply;
     * see {@link #call(String, Object, Duration)}.
     *
     * @param name the name the client's handler was registered under
     * @param args anything Jackson converts to JSON, or {@code null}
     * @return the client's reply, or a {@link CallException}
     */
    CompletableFuture<JsonNode> call(String name, Object args);

    /**
     * Calls the handler the client registered under {@code name} on this channel and returns its
     * reply. Never blocks; the call travels in order with the channel's events and survives
     * reconnects. The future completes on a virtual thread, with the reply or a
     * {@link CallException}: {@code timeout}, {@code closed} when the channel closes first, or the
     * client's error code.
     *
     * @param name the name the client's handler was registered under
     * @param args anything Jackson converts to JSON, or {@code null}
     * @param timeout how long to wait for the reply before failing with code {@code timeout}
     * @return the client's reply, or a {@link CallException}
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
     * @param event the event's name
     * @param data anything Jackson converts to JSON, or {@code null}
     * @throws IllegalArgumentException if {@code data} cannot be converted to JSON, or the name is
     *     not 1 to 128 characters or starts with {@code pagewire:}
     */
    void emit(String event, Object data);

    /**
     * Sends a binary event; the browser receives an {@code ArrayBuffer}. Names as for
     * {@link #emit(String, Object)}.
     *
     * @param event the event's name
     * @param bytes the data, copied before this returns
     */
    void emit(String event, byte[] bytes);

    /**
     * Joins a topic with no presence data (JSON {@code null}); see {@link #join(String, Object)}.
     *
     * @param topic the topic's name
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
     * @param topic the topic's name
     * @param presence what other members learn about this one, or {@code null}
     * @throws NullPointerException if {@code topic} is null
     * @throws IllegalArgumentException if {@code presence} cannot be converted to JSON
     */
    void join(String topic, Object presence);

    /**
     * Leaves a topic; a no-op if not a member.
     *
     * @param topic the topic's name
     */
    void leave(String topic);

    /** {@return the names of the topics this channel is a member of now} */
    Set<String> topics();

    /**
     * Runs {@code hook} once when the channel closes for good (by either side, or with its page).
     *
     * @param hook runs on the channel's virtual thread, after its last event
     */
    void onClose(Runnable hook);

    /** {@return whether the channel is closed for good} */
    boolean isClosed();

    /**
     * Closes the channel. For an endpoint's channel the client's channel goes to state
     * {@code closed}; the page and its other channels are not affected. For a {@link Page} this
     * closes the page.
     */
    void close();
}
