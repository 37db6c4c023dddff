package dev.pagewire.servlet.internal;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reads a request body without blocking a thread (Servlet non-blocking I/O), up to a limit: a client
 * that sends its body slowly holds no thread meanwhile. Then hands the body on, or reports it too big.
 */
final class BodyReader implements ReadListener {

    private final ServletInputStream in;
    private final int maxBytes;
    private final Consumer<byte[]> done;
    private final Runnable tooBig;
    private final Consumer<Throwable> failed;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final byte[] buffer = new byte[8192];
    private boolean finished;

    BodyReader(
            ServletInputStream in, int maxBytes, Consumer<byte[]> done, Runnable tooBig, Consumer<Throwable> failed) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.done = done;
        this.tooBig = tooBig;
        this.failed = failed;
    }

    /** Starts reading; the container calls back as data arrives. */
    void start() {
        in.setReadListener(this);
    }

    @Override
    public void onDataAvailable() throws IOException {
        while (!finished && in.isReady() && !in.isFinished()) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            if (body.size() + n > maxBytes) {
                finished = true;
                tooBig.run();
                return;
            }
            body.write(buffer, 0, n);
        }
    }

    @Override
    public void onAllDataRead() {
        if (!finished) {
            finished = true;
            done.accept(body.toByteArray());
        }
    }

    @Override
    public void onError(Throwable t) {
        if (!finished) {
            finished = true;
            failed.accept(t);
        }
    }
}
