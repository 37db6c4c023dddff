package dev.pagewire.spi;

/**
 * A response whose body the protocol writes piece by piece (an SSE stream), made by
 * {@link HttpExchange#stream}. An adapter sends each piece as soon as it can (no buffering beyond its
 * own socket), in call order. Thread-safe; never blocks.
 */
public interface ResponseStream {

    /** Queues {@code bytes} (never modified afterwards) and flushes them. Ignored once the stream ended. */
    void write(byte[] bytes);

    /** Bytes handed to {@link #write} that are not yet written to the network. */
    long queuedBytes();

    /** Ends the response after what was written (on HTTP/1.0, by closing the connection). Idempotent. */
    void end();

    /**
     * Runs {@code task} once when the stream is over: ended, or the client's connection closed or
     * failed. Runs at once if it is over already. Any thread.
     */
    void onClosed(Runnable task);
}
