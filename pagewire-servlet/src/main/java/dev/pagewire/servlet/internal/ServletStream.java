package dev.pagewire.servlet.internal;

import dev.pagewire.spi.ResponseStream;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A streamed response of an async request (an SSE stream): pieces go out without blocking as the
 * client takes them ({@link ResponseWriter}); the stream is over when it ended or the client went away.
 * Thread-safe.
 */
final class ServletStream implements ResponseStream {

    private final ResponseWriter writer;
    private final List<Runnable> onClosed = new ArrayList<>();
    private boolean over;

    ServletStream(AsyncContext async) {
        this.writer = new ResponseWriter(async, this::closed);
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                closed();
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                closed();
            }

            @Override
            public void onError(AsyncEvent event) {
                closed();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {}
        });
        try {
            writer.start();
        } catch (IOException | IllegalStateException e) {
            closed();
        }
    }

    @Override
    public void write(byte[] bytes) {
        writer.write(bytes);
    }

    @Override
    public long queuedBytes() {
        return writer.queuedBytes();
    }

    @Override
    public void end() {
        writer.end();
    }

    @Override
    public void onClosed(Runnable task) {
        boolean now;
        synchronized (this) {
            now = over;
            if (!now) {
                onClosed.add(task);
            }
        }
        if (now) {
            Thread.ofVirtual().start(task);
        }
    }

    private void closed() {
        List<Runnable> tasks;
        synchronized (this) {
            if (over) {
                return;
            }
            over = true;
            tasks = List.copyOf(onClosed);
            onClosed.clear();
        }
        writer.end();
        // Never inside the protocol's own call of write or end (it holds its locks there).
        Thread.ofVirtual().start(() -> tasks.forEach(Runnable::run));
    }
}
