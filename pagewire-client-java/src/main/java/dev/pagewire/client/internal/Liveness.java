package dev.pagewire.client.internal;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The client's side of docs/PROTOCOL.md §4: the server pings every {@code heartbeat} ms, so twice
 * that plus 5 s of silence means the connection is gone, even when no close ever reaches the
 * client (a stalled proxy, a laptop that slept). One timer per deadline, not per frame: a frame
 * only notes the time, and the timer looks again when it fires.
 *
 * <p>Not thread-safe: the channel uses it under its lock; {@link Later} runs the timer there too.
 */
final class Liveness {

    private final Later later;
    private Future<?> timer;
    private long lastHeardNanos;
    private long timeoutMillis;
    private Runnable onSilent;

    Liveness(Later later) {
        this.later = later;
    }

    /** Watches a connection anew, with the server's {@code heartbeat}; {@code onSilent} ends it. */
    void watch(long heartbeatMillis, Runnable onSilent) {
        this.onSilent = onSilent;
        this.timeoutMillis = 2 * heartbeatMillis + 5_000;
        heard();
        schedule(timeoutMillis);
    }

    /** A frame arrived. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    long timeoutMillis() {
        return timeoutMillis;
    }

    void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        onSilent = null;
    }

    private void schedule(long millis) {
        if (timer != null) {
            timer.cancel(false);
        }
        Runnable watcher = onSilent;
        timer = later.run(millis, () -> {
            if (onSilent != watcher || watcher == null) {
                return; // stopped or watching another connection since
            }
            long silent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastHeardNanos);
            if (silent < timeoutMillis) {
                schedule(timeoutMillis - silent);
            } else {
                timer = null;
                watcher.run();
            }
        });
    }
}
