package dev.pagewire.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The last closes and refusals of connections on this node, newest last, for the dashboard
 * (docs/OPERATIONS.md, Dashboard): a ring of {@link #CAPACITY} entries, so that its memory is bounded
 * whatever clients do. Reasons are the server's own texts (never a token or a payload); paths are cut
 * to {@link #MAX_PATH} characters. Thread-safe; adding takes one short lock.
 */
public final class CloseLog {

    /** Closes kept. */
    public static final int CAPACITY = 32;

    /** Characters of a path kept (a client chooses the paths it asks for). */
    static final int MAX_PATH = 120;

    /**
     * One close.
     *
     * @param atMillis when, in milliseconds since the epoch
     * @param code the close code (docs/PROTOCOL.md §9)
     * @param reason the reason sent with it
     * @param path the page's or channel's path
     */
    public record Close(long atMillis, int code, String reason, String path) {}

    private final Close[] ring = new Close[CAPACITY];
    private long added;

    void add(int code, String reason, String path) {
        String p = path == null ? "" : path.length() > MAX_PATH ? path.substring(0, MAX_PATH) + "…" : path;
        Close close = new Close(System.currentTimeMillis(), code, reason == null ? "" : reason, p);
        synchronized (this) {
            ring[(int) (added++ % CAPACITY)] = close;
        }
    }

    /** {@return the closes kept, oldest first} */
    public synchronized List<Close> recent() {
        int n = (int) Math.min(added, CAPACITY);
        List<Close> list = new ArrayList<>(n);
        for (long i = added - n; i < added; i++) {
            list.add(ring[(int) (i % CAPACITY)]);
        }
        return list;
    }
}
