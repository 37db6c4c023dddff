package dev.pagewire.client.internal;

import dev.pagewire.client.ConnectionState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the close code of a connection means for the client (docs/PROTOCOL.md §5): {@code 4000}
 * closes it, {@code 4401} and {@code 4404} expire it, anything else means reconnect (or, before a
 * {@code hello}, the next transport). {@code 4409} is one of the client's own attempts that
 * reached the server late, so it reconnects too, except for the third within a minute: then
 * another copy of the page holds the token, and this one gives way for good.
 *
 * <p>Not thread-safe: used under the connection's lock.
 */
final class CloseCodes {

    private static final long REPLACED_WINDOW_MS = 60_000;
    private static final int MAX_REPLACED = 3;

    /** When the recent {@code 4409}s ended a connection (nanoTime). */
    private final List<Long> replacedAt = new ArrayList<>();

    /** The final state a connection that ended with {@code code} puts the client in, or null when it goes on. */
    ConnectionState finalState(int code) {
        return switch (code) {
            case 4000 -> ConnectionState.CLOSED;
            case 4401, 4404 -> ConnectionState.EXPIRED;
            case 4409 -> mayTakeBack() ? null : ConnectionState.CLOSED;
            default -> null;
        };
    }

    private boolean mayTakeBack() {
        long now = System.nanoTime();
        replacedAt.removeIf(at -> now - at >= TimeUnit.MILLISECONDS.toNanos(REPLACED_WINDOW_MS));
        replacedAt.add(now);
        return replacedAt.size() < MAX_REPLACED;
    }
}
