package dev.pagewire.internal.http;

import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.OutFrame;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-to-client half of a long-polling connection (docs/PROTOCOL.md §8.4): frames queue here
 * until a poll takes them all. At most one poll is held; it is answered soon after a frame is queued
 * (frames sent together go together), or empty after {@code pollTimeout}. After the {@code close}
 * frame was queued, the connection stays in the registry for {@code pollTimeout} + 5 s, delivered or
 * not, so that a POST racing the close frame is told to wait for it (409) rather than that the
 * connection is unknown (410); then it leaves.
 *
 * <p>Thread-safe: the queue and the held poll are guarded by this object's monitor, which is never
 * held while calling into the page. Timers and flushes run on the protocol's shared timer thread;
 * they only hand responses to the adapter, which never blocks.
 */
final class LongPollConnection extends FallbackConnection {

    /** How long a closed connection waits for the poll that would fetch its close frame. */
    private static final long LINGER_EXTRA_MILLIS = 5_000;

    private final Duration pollTimeout;
    private final ScheduledExecutorService timer;
    private final HttpResponse.Headers headers;
    private final ArrayDeque<byte[]> lines = new ArrayDeque<>();
    /** Bytes queued or being written; read by the page to spot a slow consumer. */
    private final AtomicLong queued = new AtomicLong();

    private Poll held;
    private boolean flushScheduled;
    private boolean closing;

    /** A held poll and its timeout. */
    private record Poll(HttpExchange exchange, ScheduledFuture<?> timeout) {}

    /**
     * @param headers the headers of every answer (no caching, CORS); never modified afterwards
     */
    LongPollConnection(
            String id,
            String pageId,
            FallbackConnections registry,
            Duration pollTimeout,
            ScheduledExecutorService timer,
            HttpResponse.Headers headers) {
        super(id, pageId, registry);
        this.pollTimeout = pollTimeout;
        this.timer = timer;
        this.headers = headers;
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
    void answerOpen(HttpExchange exchange) {
        synchronized (this) {
            answer(exchange);
        }
    }

    /**
     * Takes a poll: answers it now if frames wait, else holds it. A poll held before is answered
     * empty (at most one is held).
     *
     * @return {@code false} if the connection is over (the caller answers {@code 410})
     */
    boolean poll(HttpExchange exchange) {
        synchronized (this) {
            // Over once its close frame went out, or it ended. A close on its way here (its code set,
            // its close frame not queued yet) is not over: the poll waits for that frame.
            if (lines.isEmpty() && (closing || isEnded())) {
                return false;
            }
            if (held != null) {
                Poll previous = held;
                held = null;
                previous.timeout().cancel(false);
                respond(previous.exchange(), new ArrayDeque<>(), 0);
            }
            if (!lines.isEmpty()) {
                answer(exchange);
            } else {
                ScheduledFuture<?> timeout = schedule(() -> expire(exchange), pollTimeout.toMillis());
                if (timeout == null) {
                    respond(exchange, new ArrayDeque<>(), 0); // shutting down: no poll is held
                    return true;
                }
                held = new Poll(exchange, timeout);
                exchange.onAbort(() -> abandoned(exchange));
                return true;
            }
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
        if (schedule(this::ended, pollTimeout.toMillis() + LINGER_EXTRA_MILLIS) == null) {
            ended();
        }
    }

    private void enqueue(OutFrame frame) {
        byte[] line = FrameLines.line(frame);
        lines.add(line);
        queued.addAndGet(line.length + 1);
    }

    /** Answers the held poll a moment later, so frames sent together go together. Holds the monitor. */
    private void flushSoon() {
        if (held == null || flushScheduled) {
            return;
        }
        flushScheduled = true;
        Poll poll = held;
        try {
            timer.execute(() -> flush(poll));
        } catch (RejectedExecutionException e) {
            flushScheduled = false;
        }
    }

    private void flush(Poll poll) {
        synchronized (this) {
            flushScheduled = false;
            if (held != poll) {
                return;
            }
            held = null;
            poll.timeout().cancel(false);
            answer(poll.exchange());
        }
    }

    /** The held poll's time is up: answer it empty. */
    private void expire(HttpExchange exchange) {
        synchronized (this) {
            if (held == null || held.exchange() != exchange) {
                return;
            }
            held = null;
            respond(exchange, new ArrayDeque<>(), 0);
        }
    }

    /** The held poll's HTTP connection closed (the client aborted it): frames wait for the next. */
    private void abandoned(HttpExchange exchange) {
        synchronized (this) {
            if (held != null && held.exchange() == exchange) {
                held.timeout().cancel(false);
                held = null;
            }
        }
    }

    /** Answers with every queued line. Holds the monitor. */
    private void answer(HttpExchange exchange) {
        ArrayDeque<byte[]> batch = new ArrayDeque<>(lines);
        lines.clear();
        long bytes = 0;
        for (byte[] line : batch) {
            bytes += line.length + 1;
        }
        respond(exchange, batch, bytes);
    }

    private void respond(HttpExchange exchange, ArrayDeque<byte[]> batch, long bytes) {
        byte[] body = new byte[(int) Math.min(Integer.MAX_VALUE - 8, bytes)];
        int at = 0;
        for (byte[] line : batch) {
            System.arraycopy(line, 0, body, at, line.length);
            at += line.length;
            body[at++] = '\n';
        }
        HttpResponse response = new HttpResponse(
                200,
                null,
                new HttpResponse.Headers().addAll(headers).set("Content-Type", "text/plain; charset=utf-8"),
                body);
        exchange.respond(response, () -> queued.addAndGet(-bytes));
    }

    private ScheduledFuture<?> schedule(Runnable task, long millis) {
        try {
            return timer.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }
}
