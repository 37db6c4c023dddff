package dev.pagewire.bench.load;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The two connections of an HTTP fallback link (down: polls or the SSE stream; up: POSTs) and how
 * the link ends, once: lost after a failure, or left the way a leaving page leaves. Thread-safe.
 */
final class HttpLinkEnd {

    private final HttpChannel up;
    private final HttpChannel down;
    private final AtomicBoolean ended = new AtomicBoolean();

    HttpLinkEnd(HttpChannel up, HttpChannel down) {
        this.up = up;
        this.down = down;
    }

    /** Whether the link has ended either way. */
    boolean ended() {
        return ended.get();
    }

    /** After a failure: fails {@code ready} if still open, closes both connections, tells the listener. */
    void lost(Link link, Link.Listener listener, CompletableFuture<Link> ready, String reason) {
        if (ended.compareAndSet(false, true)) {
            ready.completeExceptionally(new IllegalStateException(reason));
            up.close();
            down.close();
            listener.onLost(link, reason);
        }
    }

    /** Leaving: stops reading, posts {@code goodbye} after what is queued, then closes the up connection. */
    void leave(PostQueue posts, String goodbye) {
        if (ended.compareAndSet(false, true)) {
            down.close();
            posts.add(goodbye);
            posts.closeWhenDrained();
        }
    }
}
