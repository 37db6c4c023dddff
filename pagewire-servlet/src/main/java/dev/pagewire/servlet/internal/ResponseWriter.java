package dev.pagewire.servlet.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes an async response's body without ever blocking a thread (Servlet non-blocking I/O): pieces
 * handed over from any thread queue here and go out whenever the container says the connection can
 * take more, each followed by a flush; once ended and drained, the async context completes. A client
 * that never reads therefore holds only the queued pieces, which the protocol counts
 * ({@link #queuedBytes}) and bounds.
 *
 * <p>Thread-safe: the output stream is touched only under this object's monitor; the async context is
 * completed outside it, since completing runs listeners that may call back into the protocol.
 */
final class ResponseWriter implements WriteListener {

    private final AsyncContext async;
    private final Runnable failed;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private final AtomicLong queued = new AtomicLong();
    private ServletOutputStream out;
    private boolean unflushed;
    private boolean ending;
    private boolean done;
    /** A write failed under the monitor; {@link #failed} runs once the monitor is released. */
    private boolean broken;

    /** @param failed runs once if writing fails (the client went away) */
    ResponseWriter(AsyncContext async, Runnable failed) {
        this.async = async;
        this.failed = failed;
    }

    /** Starts writing; the container calls {@link #onWritePossible} once the stream is ready. */
    void start() throws IOException {
        ServletOutputStream stream = async.getResponse().getOutputStream();
        synchronized (this) {
            out = stream;
        }
        stream.setWriteListener(this);
    }

    /** Queues {@code bytes}; ignored once ended or failed. */
    void write(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        boolean complete;
        synchronized (this) {
            if (done || ending) {
                return;
            }
            queue.add(bytes);
            queued.addAndGet(bytes.length);
            complete = drain();
        }
        finish(complete);
    }

    /** Ends the response once what is queued is written. Idempotent. */
    void end() {
        boolean complete;
        synchronized (this) {
            if (done || ending) {
                return;
            }
            ending = true;
            complete = drain();
        }
        finish(complete);
    }

    /** Bytes queued and not yet handed to the container. */
    long queuedBytes() {
        return queued.get();
    }

    @Override
    public void onWritePossible() {
        boolean complete;
        synchronized (this) {
            complete = drain();
        }
        finish(complete);
    }

    @Override
    public void onError(Throwable t) {
        fail();
    }

    /**
     * Writes while the container can take it. Holds the monitor.
     *
     * @return whether the response is now complete (the caller completes the async context)
     */
    private boolean drain() {
        if (out == null || done) {
            return false;
        }
        try {
            while (out.isReady()) {
                byte[] next = queue.poll();
                if (next != null) {
                    out.write(next);
                    queued.addAndGet(-next.length);
                    unflushed = true;
                } else if (unflushed) {
                    unflushed = false;
                    out.flush();
                } else {
                    if (ending) {
                        done = true;
                        return true;
                    }
                    return false;
                }
            }
            return false;
        } catch (IOException | IllegalStateException e) {
            done = true;
            queue.clear();
            queued.set(0);
            broken = true;
            return false;
        }
    }

    private void fail() {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            queue.clear();
            queued.set(0);
        }
        failed.run();
    }

    private void finish(boolean complete) {
        boolean fail;
        synchronized (this) {
            fail = broken;
            broken = false;
        }
        if (fail) {
            failed.run();
        }
        if (complete) {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // completed already: the client went away and the container ended the request
            }
        }
    }
}
