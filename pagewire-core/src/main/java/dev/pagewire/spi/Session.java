package dev.pagewire.spi;

/**
 * The page side of an accepted connection, implemented by core. A transport calls these methods
 * from the connection's I/O thread, one at a time, in the order data arrived.
 */
public interface Session {

    /**
     * A complete text message arrived.
     *
     * @param message the message's text
     */
    void text(String message);

    /**
     * A complete binary message arrived.
     *
     * @param message the message's bytes
     */
    void binary(byte[] message);

    /**
     * The connection ended, for any reason; no more calls follow. Never inside a call of the
     * connection's {@link Connection#send} or {@link Connection#close}, even when the write fails
     * there: the protocol calls those while holding its locks, and this takes them again.
     */
    void closed();
}
