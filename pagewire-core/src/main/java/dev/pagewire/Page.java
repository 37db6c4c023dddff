package dev.pagewire;

/**
 * The server side of one page view: created when the page is rendered, alive while its tab shows the
 * page (plus {@link Settings#closeGracePeriod()} after its connection drops), and the target of the
 * events that page raises. Keep the page's state in the handler's variables or fields; every event
 * of this page reaches the handlers registered here.
 *
 * <p>A page is its own {@link Channel}: events, calls, topics and close work as for the channels it
 * opens to endpoints; the browser's {@code pagewire.page} is this channel's other end.
 *
 * <p>Threads: {@link #emit} and every other method are thread-safe and may be called from anywhere.
 * Handlers and hooks of one page run one at a time, in arrival order, on virtual threads.
 */
public interface Page extends Channel {

    /** {@return the page's unique id (also announced to the browser)} */
    String id();

    /** {@return the path the page was rendered at (for a page without HTML, the endpoint's path)} */
    @Override
    String path();

    /**
     * Runs {@code hook} each time a connection attaches (first connect and every reconnect).
     *
     * @param hook runs on the page's virtual thread, in order with its events
     */
    void onConnect(Runnable hook);

    /**
     * Runs {@code hook} each time the connection drops (the page may still reconnect).
     *
     * @param hook runs on the page's virtual thread, in order with its events
     */
    void onDisconnect(Runnable hook);

    /** {@return whether a connection is attached now} */
    boolean isConnected();

    /** {@return the current transport (e.g. {@code "websocket"}), or {@code null} while not connected} */
    String transport();

    /** {@return the application this page belongs to, for topics and other pages' work} */
    Pagewire app();

    /**
     * Closes the page and every channel it opened: the browser gets close code {@code 4000} and
     * does not reconnect.
     */
    @Override
    void close();
}
