package dev.pagewire.bench.load;

/**
 * One simulated page's channel to the server under test, over one protocol and transport. Events
 * carry a short ASCII {@code data} text (digits: a timestamp); each protocol wraps it in its own
 * framing. Thread-safe: {@link #send} and {@link #close} may be called from any thread.
 */
interface Link {

    /** Sends the event {@code name} with {@code data} to the server. */
    void send(String name, String data);

    /** Ends the channel the way a leaving page would (Pagewire: {@code ["bye"]}); idempotent. */
    void close();

    /** What happens on a link; called on the link's event-loop thread, one call at a time per link. */
    interface Listener {

        /** The server sent the event {@code name} with {@code data}. */
        void onEvent(Link link, String name, String data);

        /** The link ended without {@link #close()} being called, because of {@code reason}. */
        void onLost(Link link, String reason);
    }
}
