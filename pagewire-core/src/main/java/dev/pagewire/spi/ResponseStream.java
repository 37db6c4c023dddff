package dev.pagewire.spi;

/**
 * A response whose body the protocol writes piece by piece (an SSE stream), made by
 * {@link HttpExchange#stream}. An adapter sends each piece as soon as it can (no buffering beyond its
 * own socket), in call order. Thread-safe; never blocks.
 */
public interface ResponseStream {

    /**
     * Queues {@code bytes} and flushes them. Ignored once the stream ended.
     *
     * @param bytes the next piece of the body; never modified afterwards
     */
    void write(byte[] bytes);

    /** {@return the bytes handed to {@link #write} that are not yet written to the network} */
    long queuedBytes();

    /** Ends the response after what was written (on HTTP/1.0, by closing the connection). Idempotent. */
    void end();

    /**
     * Runs {@code task} once when the stream is over: ended, or the client's connection closed or
     * failed; soon if it is over already. Never inside a call of {@link #write} or {@link #end}: the
     * adapter runs it afterwards, on a thread of its own, because the protocol calls those methods
     * while holding its locks and the task takes them again.
     *
     * @param task what to do once the stream is over
     */
    void onClosed(Runnable task);
}
