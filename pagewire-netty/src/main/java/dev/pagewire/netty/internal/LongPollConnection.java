package dev.pagewire.netty.internal;

import dev.pagewire.spi.FrameLines;
import dev.pagewire.spi.OutFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-to-client half of a long-polling connection (docs/PROTOCOL.md §8.4): frames queue here
 * until a poll takes them all. At most one poll is held; it is answered as soon as a frame is
 * queued, or empty after {@code pollTimeout}. After the {@code close} frame was delivered, or a
 * while after it was queued if no poll comes for it, the connection leaves the registry.
 *
 * <p>Thread-safe: the queue and the held poll are guarded by this object's monitor, which is never
 * held while calling into the page.
 */
final class LongPollConnection extends FallbackConnection {

    /** How long a closed connection waits for the poll that would fetch its close frame. */
    private static final long LINGER_EXTRA_MILLIS = 5_000;

    private final Duration pollTimeout;
    private final ArrayDeque<byte[]> lines = new ArrayDeque<>();
    /** Bytes queued or being written; read by the page to spot a slow consumer. */
    private final AtomicLong queued = new AtomicLong();
    private Poll held;
    private boolean flushScheduled;
    private boolean closing;

    /** A held poll request, its timeout, and the listener that notices its HTTP connection closing. */
    private record Poll(ChannelHandlerContext ctx, boolean keepAlive, HttpHeaders headers,
                        ScheduledFuture<?> timeout, GenericFutureListener<Future<? super Void>> onClose) {

        /** Stops the timer and the close listener (a keep-alive channel carries many polls). */
        void release() {
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (onClose != null) {
                ctx.channel().closeFuture().removeListener(onClose);
            }
        }
    }

    LongPollConnection(String id, String pageId, FallbackConnections registry, Duration pollTimeout) {
        super(id, pageId, registry);
        this.pollTimeout = pollTimeout;
        enqueue(FrameLines.open(id));
    }

    @Override
    public String transport() {
        return "longpolling";
    }

    @Override
    public void send(OutFrame frame) {
        synchronized (this) {
            if (closing || isClosed()) {
                return;
            }
            enqueue(frame);
            flushSoon();
        }
    }

    @Override
    public long queuedBytes() {
        return queued.get();
    }

    /** Answers the opening request at once with what is queued ({@code open}, {@code hello}, …). */
    void answerOpen(ChannelHandlerContext ctx, boolean keepAlive, HttpHeaders headers) {
        boolean delivered;
        synchronized (this) {
            delivered = answer(ctx, keepAlive, headers);
        }
        if (delivered) {
            ended();
        }
    }

    /**
     * Takes a poll: answers it now if frames wait, else holds it. A poll held before is answered
     * empty (at most one is held).
     *
     * @return {@code false} if the connection is over (the caller answers {@code 410})
     */
    boolean poll(ChannelHandlerContext ctx, boolean keepAlive, HttpHeaders headers) {
        boolean delivered;
        synchronized (this) {
            if (lines.isEmpty() && (closing || isClosed())) {
                return false;
            }
            if (held != null) {
                Poll previous = held;
                held = null;
                previous.release();
                respond(previous, new ArrayDeque<>(), 0);
            }
            if (!lines.isEmpty()) {
                delivered = answer(ctx, keepAlive, headers);
            } else {
                ScheduledFuture<?> timeout = ctx.executor().schedule(
                        () -> expire(ctx), pollTimeout.toMillis(), TimeUnit.MILLISECONDS);
                GenericFutureListener<Future<? super Void>> onClose = f -> abandoned(ctx);
                held = new Poll(ctx, keepAlive, headers, timeout, onClose);
                ctx.channel().closeFuture().addListener(onClose);
                return true;
            }
        }
        if (delivered) {
            ended();
        }
        return true;
    }

    @Override
    void closeTransport(int code, String reason) {
        synchronized (this) {
            closing = true;
            enqueue(FrameLines.close(code, reason));
            flushSoon();
        }
        // The page knows at once; the registry keeps the connection until its close frame is fetched.
        endSession();
        try {
            GlobalEventExecutor.INSTANCE.schedule(
                    this::ended, pollTimeout.toMillis() + LINGER_EXTRA_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            ended();
        }
    }

    private void enqueue(OutFrame frame) {
        byte[] line = FrameLines.line(frame);
        lines.add(line);
        queued.addAndGet(line.length + 1);
    }

    /** Schedules the held poll's answer on its I/O thread, so frames sent together go together. */
    private void flushSoon() {
        if (held == null || flushScheduled) {
            return;
        }
        flushScheduled = true;
        Poll poll = held;
        try {
            poll.ctx().executor().execute(() -> flush(poll));
        } catch (RejectedExecutionException e) {
            flushScheduled = false;
        }
    }

    private void flush(Poll poll) {
        boolean delivered;
        synchronized (this) {
            flushScheduled = false;
            if (held != poll) {
                return;
            }
            held = null;
            poll.release();
            delivered = answer(poll.ctx(), poll.keepAlive(), poll.headers());
        }
        if (delivered) {
            ended();
        }
    }

    /** The held poll's time is up: answer it empty. */
    private void expire(ChannelHandlerContext ctx) {
        synchronized (this) {
            if (held == null || held.ctx() != ctx) {
                return;
            }
            Poll poll = held;
            held = null;
            poll.release();
            respond(poll, new ArrayDeque<>(), 0);
        }
    }

    /** The held poll's HTTP connection closed (the client aborted it): frames wait for the next. */
    private void abandoned(ChannelHandlerContext ctx) {
        synchronized (this) {
            if (held != null && held.ctx() == ctx) {
                held.release();
                held = null;
            }
        }
    }

    /**
     * Answers with every queued line. Holds the monitor.
     *
     * @return whether the close frame went out with it (the caller then calls {@link #ended()})
     */
    private boolean answer(ChannelHandlerContext ctx, boolean keepAlive, HttpHeaders headers) {
        ArrayDeque<byte[]> batch = new ArrayDeque<>(lines);
        lines.clear();
        long bytes = 0;
        for (byte[] line : batch) {
            bytes += line.length + 1;
        }
        respond(new Poll(ctx, keepAlive, headers, null, null), batch, bytes);
        return closing;
    }

    private void respond(Poll poll, ArrayDeque<byte[]> batch, long bytes) {
        ByteBuf body = Unpooled.buffer((int) Math.min(Integer.MAX_VALUE, bytes));
        for (byte[] line : batch) {
            body.writeBytes(line).writeByte('\n');
        }
        ChannelHandlerContext ctx = poll.ctx();
        Runnable write = () -> Responses.fallback(ctx, poll.keepAlive(), HttpResponseStatus.OK,
                "text/plain; charset=utf-8", body, poll.headers(), () -> queued.addAndGet(-bytes));
        if (ctx.executor().inEventLoop()) {
            write.run();
        } else {
            try {
                ctx.executor().execute(write);
            } catch (RejectedExecutionException e) {
                body.release();
                queued.addAndGet(-bytes);
            }
        }
    }
}
