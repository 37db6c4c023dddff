package dev.pagewire.internal.http;

import dev.pagewire.spi.OutFrame;
import dev.pagewire.spi.ResponseStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server-to-client half of an SSE connection (docs/PROTOCOL.md §8.3): one never-ending
 * {@code text/event-stream} response whose events each carry one frame line. Sends may come from any
 * thread; they reach the stream in call order, and nothing follows the {@code close} frame. Frames
 * the page sends while it accepts the connection ({@code hello}, …) wait until {@link #start} has
 * written the padding and the {@code open} frame.
 *
 * <p>Thread-safe: this object's monitor orders writes; it is never held while calling into the page.
 */
final class SseConnection extends FallbackConnection {

    /** A comment of 2 KiB first, so intermediaries that buffer a little pass the stream on at once. */
    private static final byte[] PADDING = padding(2048);

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ResponseStream stream;
    private final ScheduledExecutorService timer;
    private final long lingerMillis;
    /** Frames sent before {@link #start}; {@code null} once started. Guarded by this. */
    private List<OutFrame> early = new ArrayList<>();
    /** Whether the close frame was written; nothing follows it. Guarded by this. */
    private boolean closeWritten;

    /**
     * @param lingerMillis how long a connection the server closed stays in the registry after its
     *     stream ended, so that a POST racing the close frame is told to wait for it (409), not that
     *     the connection is unknown (410, which the client takes for a lost connection)
     */
    SseConnection(
            String id,
            String pageId,
            FallbackConnections registry,
            ResponseStream stream,
            ScheduledExecutorService timer,
            long lingerMillis) {
        super(id, pageId, registry);
        this.stream = stream;
        this.timer = timer;
        this.lingerMillis = lingerMillis;
        stream.onClosed(this::streamClosed);
    }

    /** The response ended: the page hears of it now; a connection the server closed lingers. */
    private void streamClosed() {
        if (!closedByServer()) {
            ended();
            return;
        }
        endSession();
        try {
            timer.schedule(this::ended, lingerMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            ended(); // shutting down
        }
    }

    /** One frame as one SSE event. */
    static byte[] event(OutFrame frame) {
        byte[] line = FrameLines.line(frame);
        byte[] event = new byte[DATA.length + line.length + END.length];
        System.arraycopy(DATA, 0, event, 0, DATA.length);
        System.arraycopy(line, 0, event, DATA.length, line.length);
        System.arraycopy(END, 0, event, DATA.length + line.length, END.length);
        return event;
    }

    /** Writes the padding, the {@code open} frame and what the page sent while accepting. Once. */
    void start() {
        synchronized (this) {
            stream.write(PADDING);
            stream.write(event(FrameLines.open(id())));
            List<OutFrame> frames = early;
            early = null;
            for (OutFrame frame : frames) {
                stream.write(event(frame));
            }
        }
    }

    @Override
    public String transport() {
        return "sse";
    }

    @Override
    public void send(OutFrame frame) {
        if (isClosed()) {
            return;
        }
        synchronized (this) {
            if (closeWritten) {
                return;
            }
            if (early != null) {
                early.add(frame);
            } else {
                stream.write(event(frame));
            }
        }
    }

    @Override
    public long queuedBytes() {
        return stream.queuedBytes();
    }

    @Override
    void closeTransport(int code, String reason) {
        synchronized (this) {
            if (closeWritten) {
                return;
            }
            closeWritten = true;
            if (early != null) {
                start(); // closed while accepting: the client still learns the code after its open frame
            }
            stream.write(event(FrameLines.close(code, reason)));
            stream.end();
        }
    }

    private static byte[] padding(int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) ' ');
        bytes[0] = ':';
        bytes[size - 2] = '\n';
        bytes[size - 1] = '\n';
        return bytes;
    }
}
