package dev.pagewire.internal.http;

/**
 * The last event of an SSE stream that the server ends (docs/PROTOCOL.md §8.3), for code outside this
 * package that writes to a stream it does not own: a cluster node relaying the stream of a page whose
 * node is gone.
 */
public final class SseCloses {

    private SseCloses() {}

    /** The SSE event carrying {@code ["close", code, reason]}. */
    public static byte[] event(int code, String reason) {
        return SseConnection.event(FrameLines.close(code, reason));
    }
}
