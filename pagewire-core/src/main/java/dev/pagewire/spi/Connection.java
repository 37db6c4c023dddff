package dev.pagewire.spi;

/**
 * One physical connection of a page, implemented by a transport. All methods are thread-safe and
 * never block.
 */
public interface Connection {

    /** {@return the transport's name as clients see it, e.g. {@code "websocket"}} */
    String transport();

    /**
     * Queues a frame for sending, in call order. Frames sent after {@link #close} are dropped.
     *
     * @param frame the encoded frame; shared, never modified
     */
    void send(OutFrame frame);

    /** {@return the bytes accepted by {@link #send} and not yet written to the network} */
    long queuedBytes();

    /**
     * Closes the connection with a close code and reason (see {@link CloseCodes}). Idempotent; the
     * transport later reports the end through {@link Session#closed()}.
     *
     * @param code the close code
     * @param reason the close reason, at most 123 UTF-8 bytes
     */
    void close(int code, String reason);
}
