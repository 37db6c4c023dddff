package dev.pagewire.client;

/** Where a {@link PagewireClient}'s channel stands. {@link #EXPIRED} and {@link #CLOSED} are final. */
public enum ConnectionState {
    /** The first connection is being opened. */
    CONNECTING,
    /** A connection said {@code hello}; frames flow. */
    CONNECTED,
    /** The connection was lost; the client waits its back-off, then resumes on a new one. */
    RECONNECTING,
    /** The page's server side is gone or refused the token (4401, 4404): open the page again. */
    EXPIRED,
    /** Closed for good: by {@link PagewireClient#close()}, the server (4000), or another copy (4409). */
    CLOSED;

    /** {@return whether no connection will ever be opened again} */
    public boolean isFinal() {
        return this == EXPIRED || this == CLOSED;
    }
}
