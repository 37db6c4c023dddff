package dev.pagewire.client;

/**
 * Where a {@link ClientChannel} stands (docs/PROTOCOL.md §12.1). {@link #CLOSED}, {@link #REFUSED}
 * and {@link #EXPIRED} are final.
 */
public enum ChannelState {
    /** {@code chopen} is on its way (or waits for a connection); the endpoint has not answered. */
    OPENING,
    /** The endpoint admitted the channel ({@code chok}) and the connection is up. */
    OPEN,
    /** Open, but the page's connection was lost: frames wait and are resent when it resumes. */
    RECONNECTING,
    /** Closed for good: by {@link ClientChannel#close()}, by the endpoint, or with the page. */
    CLOSED,
    /** The endpoint never admitted it: {@code not_found}, {@code refused}, {@code error}, {@code limit}. */
    REFUSED,
    /** The page expired (its token refused, or the server forgot it), and the channel with it. */
    EXPIRED;

    /** {@return whether the channel will never carry a frame again} */
    public boolean isFinal() {
        return this == CLOSED || this == REFUSED || this == EXPIRED;
    }
}
