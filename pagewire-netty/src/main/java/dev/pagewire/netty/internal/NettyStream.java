package dev.pagewire.netty.internal;

import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.ResponseStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A streamed response on a Netty channel: chunked on HTTP/1.1; on HTTP/1.0 (nginx's default towards
 * its upstream), which cannot take chunks, ended by closing the connection; on HTTP/2, DATA frames
 * on the request's stream channel, whose close ends (resets) the stream, not the connection. Writes from any thread
 * go to the event loop in call order; the connection closes when the stream ends. A stream outlives
 * the HTTP idle timeout, so that handler leaves the pipeline: the protocol's heartbeats watch it.
 */
final class NettyStream implements ResponseStream {

    private final Channel channel;
    private final AtomicLong queued = new AtomicLong();
    /** Set on the event loop once the end is written. */
    private boolean ended;

    private final Runnable done;

    /** {@code done} runs on the event loop once the stream's end is written (the next request may go). */
    NettyStream(Channel channel, int status, HttpResponse.Headers headers, HttpVersion requestVersion, Runnable done) {
        this.channel = channel;
        this.done = done;
        boolean http10 = requestVersion.equals(HttpVersion.HTTP_1_0);
        boolean http2 = channel instanceof Http2StreamChannel;
        DefaultHttpResponse head = new DefaultHttpResponse(
                http10 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        for (HttpResponse.Headers.Header h : headers.all()) {
            head.headers().add(h.name(), h.value());
        }
        if (!http2) {
            // The connection closes at the stream's end; said up front, so that a client does not
            // take it back into its pool and send its next request into that close.
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            if (!http10) {
                HttpUtil.setTransferEncodingChunked(head, true);
            }
        }
        run(() -> {
            ChannelPipeline p = channel.pipeline();
            if (p.get(ServerInitializer.IDLE) != null) {
                p.remove(ServerInitializer.IDLE);
            }
            channel.write(head);
        });
    }

    @Override
    public void write(byte[] bytes) {
        int size = bytes.length;
        queued.addAndGet(size);
        if (!run(() -> {
            if (ended || !channel.isActive()) {
                queued.addAndGet(-size);
                return;
            }
            channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)))
                    .addListener(f -> queued.addAndGet(-size));
        })) {
            queued.addAndGet(-size);
        }
    }

    @Override
    public long queuedBytes() {
        return queued.get();
    }

    @Override
    public void end() {
        if (!run(() -> {
            if (ended) {
                return;
            }
            ended = true;
            if (!channel.isActive()) {
                return;
            }
            if (channel.isWritable()) {
                channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
                done.run();
            } else {
                // The client is not reading (the protocol ends a slow consumer's stream, 4503): the
                // end would wait behind everything queued, and so would the memory. Closed at once;
                // the page keeps its frames for the next connection.
                channel.close();
            }
        })) {
            channel.close();
        }
    }

    @Override
    public void onClosed(Runnable task) {
        // A write can fail and close the channel right inside write(): the task runs after it.
        channel.closeFuture().addListener(f -> later(channel, task));
    }

    /** Runs {@code task} as the event loop's next task, or on its own thread once the loop is gone. */
    static void later(Channel channel, Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            Thread.ofVirtual().start(task);
        }
    }

    /** Runs {@code task} on the channel's event loop; {@code false} if that loop is gone. */
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
}
