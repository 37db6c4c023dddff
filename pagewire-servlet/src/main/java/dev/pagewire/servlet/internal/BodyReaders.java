package dev.pagewire.servlet.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.function.Consumer;

/** Starts a non-blocking read of an async request's body ({@link BodyReader}). */
public final class BodyReaders {

    private BodyReaders() {}

    /**
     * Reads the body of {@code request} (already async) without blocking, then calls {@code done}, or
     * {@code tooBig} once more than {@code maxBytes} arrived, or {@code failed}.
     */
    public static void read(
            HttpServletRequest request,
            int maxBytes,
            Consumer<byte[]> done,
            Runnable tooBig,
            Consumer<Throwable> failed) {
        try {
            new BodyReader(request.getInputStream(), maxBytes, done, tooBig, failed).start();
        } catch (IOException | IllegalStateException e) {
            failed.accept(e);
        }
    }
}
