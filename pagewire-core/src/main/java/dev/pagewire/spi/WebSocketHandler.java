package dev.pagewire.spi;

/** What the protocol does with a WebSocket once an adapter's handshake completed ({@link HttpExchange#upgrade}). */
@FunctionalInterface
public interface WebSocketHandler {

    /**
     * The handshake completed and {@code connection} is open. Called once, on the connection's
     * thread, before any message of it is delivered; the protocol may send frames (its
     * {@code hello}) or close the connection at once.
     *
     * @param connection the open connection, to send frames on and close
     * @return the session that receives the connection's messages and its end; never {@code null}
     */
    Session open(Connection connection);
}
