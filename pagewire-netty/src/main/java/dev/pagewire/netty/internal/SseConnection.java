package dev.pagewire.netty.internal;

import dev.pagewire.spi.FrameLines;
import dev.pagewire.spi.OutFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-to-client half of an SSE connection (docs/PROTOCOL.md §8.3): one never-ending
 * {@code text/event-stream} response whose events each carry one frame line. Sends may come from
 * any thread; writes happen on the channel's I/O thread, in call order, and nothing follows the
 * {@code close} frame.
 */
final class SseConnection extends FallbackConnection {

    /** A comment of 2 KiB first, so intermediaries that buffer a little pass the stream on at once. */
    private static final byte[] PADDING = padding(2048);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final Channel channel;
    private final AtomicLong queued = new AtomicLong();
    /** Set on the I/O thread once the close frame is written; nothing is written after it. */
    private boolean closeWritten;
    /** Frames sent while the page accepted the connection, before the response head went out. */
    private List<OutFrame> early = new ArrayList<>();

    SseConnection(String id, String pageId, FallbackConnections registry, Channel channel) {
        super(id, pageId, registry);
        this.channel = channel;
        channel.closeFuture().addListener(f -> ended());
    }

    /**
     * The head of an SSE response, with the headers every fallback response carries. An HTTP/1.0
     * request (nginx's default to its upstream) cannot take chunks: its stream is ended by closing
     * the connection instead.
     */
    static HttpResponse head(HttpHeaders extra, HttpVersion requestVersion) {
        boolean http10 = requestVersion.equals(HttpVersion.HTTP_1_0);
        HttpResponse response = new DefaultHttpResponse(
                http10 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .add(extra);
        if (http10) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else {
            HttpUtil.setTransferEncodingChunked(response, true);
        }
        return response;
    }

    /**
     * Writes the response head, the padding, the {@code open} frame and what the page sent while it
     * accepted the connection ({@code hello} first). I/O thread, once, after the page accepted.
     */
    void start(HttpHeaders extra, HttpVersion requestVersion) {
        channel.write(head(extra, requestVersion));
        channel.write(new DefaultHttpContent(Unpooled.wrappedBuffer(PADDING)));
        List<OutFrame> frames = early;
        early = null;
        channel.write(new DefaultHttpContent(event(FrameLines.open(id()))));
        for (OutFrame frame : frames) {
            write(frame, frame.size());
        }
        channel.flush();
    }

    /** One frame as one SSE event, for writing onto a response that is refused at once. */
    static ByteBuf event(OutFrame frame) {
        return Unpooled.wrappedBuffer(DATA, FrameLines.line(frame), END);
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
        int size = frame.size();
        queued.addAndGet(size);
        if (!run(() -> write(frame, size))) {
            queued.addAndGet(-size);
        }
    }

    private void write(OutFrame frame, int size) {
        if (early != null) {
            early.add(frame);
            return;
        }
        if (closeWritten || !channel.isActive()) {
            queued.addAndGet(-size);
            return;
        }
        channel.writeAndFlush(new DefaultHttpContent(event(frame))).addListener(f -> queued.addAndGet(-size));
    }

    @Override
    public long queuedBytes() {
        return queued.get();
    }

    @Override
    void closeTransport(int code, String reason) {
        if (!run(() -> {
            if (closeWritten) {
                return;
            }
            closeWritten = true;
            if (!channel.isActive()) {
                return;
            }
            channel.write(new DefaultHttpContent(event(FrameLines.close(code, reason))));
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        })) {
            ended();
        }
    }

    /** Runs {@code task} on the channel's I/O thread; {@code false} if that loop is gone. */
    private boolean run(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
            return true;
        }
        try {
            channel.eventLoop().execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
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
