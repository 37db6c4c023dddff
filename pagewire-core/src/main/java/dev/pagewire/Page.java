package dev.pagewire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The server side of one page view: created when the page is rendered, alive while its tab shows the
 * page (plus {@link Settings#closeGracePeriod()} after its connection drops), and the target of the
 * events that page raises. Keep the page's state in the handler's variables or fields; every event
 * of this page reaches the handlers registered here.
 *
 * <p>Threads: {@link #emit} and every other method are thread-safe and may be called from anywhere.
 * Handlers and hooks of one page run one at a time, in arrival order, on virtual threads.
 */
public interface Page {

    /** The page's unique id (also announced to the browser). */
    String id();

    /** The path the page was rendered at. */
    String path();

    /**
     * Registers the handler for events named {@code event} raised by the browser, replacing any
     * earlier handler of that name.
     */
    void on(String event, EventHandler handler);

    /**
     * Registers the handler that answers calls named {@code name} from the browser
     * ({@code await pagewire.page.call(name, args)}), replacing any earlier handler of that name.
     * Calls without a handler are answered with the error {@code unknown_call}.
     *
     * @throws IllegalArgumentException if the name is empty or longer than 128 characters
     */
    void handle(String name, CallHandler handler);

    /**
     * Calls the handler the browser registered under {@code name} with
     * {@code pagewire.page.handle(name, fn)}, waiting at most {@link Settings#callTimeout()}.
     * See {@link #call(String, Object, Duration)}.
     */
    CompletableFuture<JsonNode> call(String name, Object args);

    /**
     * Calls the browser's handler {@code name} with {@code args} (converted to JSON like
     * {@link #emit}) and returns its reply. Never blocks; the call travels in order with the page's
     * events and survives reconnects. The future completes on a virtual thread of the application
     * (never a network thread, never this page's handler thread, so a handler may wait on it) with
     * the reply (JSON {@code null} when the browser returned nothing), or exceptionally with a
     * {@link CallException}: code {@code timeout} after {@code timeout}, {@code closed} when the
     * page closes first, or the browser's error code. Cancelling the future forgets the call.
     *
     * @throws IllegalArgumentException if the name is not 1 to 128 characters or {@code args}
     *     cannot be converted to JSON
     */
    CompletableFuture<JsonNode> call(String name, Object args, Duration timeout);

    /**
     * Sends an event to the browser. {@code data} is converted to JSON (Jackson): records, maps,
     * lists, strings, numbers, {@code JsonNode}, or {@code null}. Never blocks; the event is kept
     * until the browser acknowledges it, and resent after a reconnect (bounded by
     * {@link Settings#maxReplayFrames()} and {@link Settings#maxReplayBytes()}). Names starting
     * {@code pagewire:} are Pagewire's own events ({@link Topic#announcePresence}); {@link #on}
     * accepts them, emitting them is refused.
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
     * Joins a topic: events emitted to it reach this page until it leaves or closes. {@code presence}
     * is what other members learn about this page ({@link Topic#members()}, the browser's
     * {@code pagewire:join}); it is converted to JSON like {@link #emit} data, at the call (later
     * changes to it are not seen), {@code null} meaning JSON {@code null}. Joining a topic this page is a member of already replaces its presence
     * data, announced as a join again; it does not resend the history. A no-op on a closed page.
     *
     * @throws NullPointerException if {@code topic} is null
     * @throws IllegalArgumentException if {@code presence} cannot be converted to JSON
     */
    void join(String topic, Object presence);

    /** Leaves a topic; a no-op if not a member. */
    void leave(String topic);

    /** The topics this page is a member of. */
    Set<String> topics();

    /** Runs {@code hook} each time a connection attaches (first connect and every reconnect). */
    void onConnect(Runnable hook);

    /** Runs {@code hook} each time the connection drops (the page may still reconnect). */
    void onDisconnect(Runnable hook);

    /** Runs {@code hook} once when the page closes for good. */
    void onClose(Runnable hook);

    /** Whether a connection is attached now. */
    boolean isConnected();

    /** Whether the page is closed for good. */
    boolean isClosed();

    /** The current transport (e.g. {@code "websocket"}), or {@code null} while not connected. */
    String transport();

    /** The application this page belongs to, for topics and other pages' work. */
    Pagewire app();

    /** Closes the page: the browser gets close code {@code 4000} and does not reconnect. */
    void close();
}
