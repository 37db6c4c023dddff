package dev.pagewire.client.internal;

import dev.pagewire.client.Transport;
import java.util.List;

/**
 * One physical connection of a channel over one transport (docs/PROTOCOL.md §2, §8). It reports
 * to its {@link Events} from its own I/O threads, never from inside one of its methods, and
 * reports its end once; after {@link #close} it reports nothing more.
 */
interface Link {

    /** What a link tells its channel. */
    interface Events {
        /** A frame arrived (not a fallback's {@code open} or {@code close}). */
        void frame(Link link, Inbound frame);

        /** A fallback's {@code open} frame arrived: it passed its probe (§9.4). */
        void open(Link link);

        /** The connection ended, with a §5 close code ({@code 1006} when it broke without one). */
        void end(Link link, int code, String reason);
    }

    Transport transport();

    /** Starts connecting; what happens is reported to the events. */
    void start();

    /** Sends frames in order; drops them once the link has ended. Never blocks. */
    void send(List<Outgoing> frames);

    /**
     * Runs {@code task} once everything handed to {@link #send} has reached the server (a
     * fallback: no POST in flight and nothing waiting, §9.5), at once if that is so now. A link
     * that ended never runs it. Never runs it while holding a lock of its own.
     */
    default void whenDrained(Runnable task) {
        task.run(); // a WebSocket hands frames to its socket in order: nothing to wait for
    }

    /** Sends what waits and {@code ["bye"]} where the server reads it, then closes. */
    void bye();

    /** Ends the connection without a report, closing a WebSocket with {@code code}. */
    void close(int code, String reason);
}
