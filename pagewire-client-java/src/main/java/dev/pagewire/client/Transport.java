package dev.pagewire.client;

/**
 * The ways a page's channel can travel (docs/PROTOCOL.md §2, §8), in the order the client tries
 * them when {@link ClientOptions#fallback()} is on.
 */
public enum Transport {
    /** One WebSocket to the page URL: the preferred transport. */
    WEBSOCKET("websocket"),
    /** Server-Sent Events down, POSTs up. */
    SSE("sse"),
    /** Long-polling GETs down, POSTs up. */
    LONGPOLLING("longpolling");

    private final String wireName;

    Transport(String wireName) {
        this.wireName = wireName;
    }

    /** {@return the name the protocol and the server use: {@code websocket}, {@code sse}, {@code longpolling}} */
    public String wireName() {
        return wireName;
    }
}
