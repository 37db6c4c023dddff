package dev.pagewire.spi;

/**
 * One physical connection of a page, implemented by a transport. All methods are thread-safe and
 * never block.
 */
public interface Connection {

    /** The transport's name as clients see it, e.g. {@code "websocket"}. */
    String transport();

    /** Queues a frame for sending, in call order. Frames sent after {@link #close} are dropped. */
    void send(OutFrame frame);

    /** Bytes accepted by {@link #send} and not yet written to the network. */
    long queuedBytes();

    /**
     * Closes the connection with a close code and reason (see {@link CloseCodes}). Idempotent; the
     * transport later reports the end through {@link Session#closed()}.
     */
    void close(int code, String reason);
}
