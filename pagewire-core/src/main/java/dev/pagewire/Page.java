package dev.pagewire;

import java.util.Set;

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
     * Sends an event to the browser. {@code data} is converted to JSON (Jackson): records, maps,
     * lists, strings, numbers, {@code JsonNode}, or {@code null}. Never blocks; while the page is
     * disconnected the event waits (bounded by {@link Settings#maxOutboundBytes()}).
     *
     * @throws IllegalArgumentException if {@code data} cannot be converted to JSON
     */
    void emit(String event, Object data);

    /** Sends a binary event; the browser receives an {@code ArrayBuffer}. */
    void emit(String event, byte[] bytes);

    /** Joins a topic: events emitted to it reach this page until it leaves or closes. */
    void join(String topic);

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
