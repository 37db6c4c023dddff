package dev.pagewire.internal.http;

import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.Connection;
import dev.pagewire.spi.Session;
import java.nio.charset.StandardCharsets;

/**
 * What the two HTTP fallback connections (SSE and long-polling) share: an id that the client's
 * requests name, the page it belongs to, and the inbound side. Inbound frames arrive in POSTs, each
 * on whatever I/O thread its HTTP connection has, so delivery to the {@link Session} is serialised
 * here: one frame at a time, and never after the session learnt that the connection ended.
 *
 * <p>Locks: {@link #inbound} guards the session side and may be held while the page takes its own
 * locks; subclasses guard their outbound queues with their own monitor and never take
 * {@code inbound} while holding it, so the two cannot deadlock.
 */
abstract class FallbackConnection implements Connection {

    /** A POST's frames delivered, or why they stopped. */
    enum Delivery {
        ACCEPTED,
        BAD_FRAME,
        TOO_BIG,
        INVALID_UTF8,
        CLOSED
    }

    private final String id;
    private final String pageId;
    private final FallbackConnections registry;
    private final Object inbound = new Object();
    private Session session;
    /** Written under {@link #inbound}; volatile so that senders read it without that lock. */
    private volatile boolean ended;
    /** The close code the server gave this connection, or 0 while open; as {@link #ended}. */
    private volatile int closeCode;

    private volatile String closeReason = "";

    FallbackConnection(String id, String pageId, FallbackConnections registry) {
        this.id = id;
        this.pageId = pageId;
        this.registry = registry;
    }

    /** The id the client's requests carry as {@code conn}. */
    final String id() {
        return id;
    }

    /** The page whose token opened this connection. */
    final String pageId() {
        return pageId;
    }

    /** Binds the page's session once the page accepted the connection. */
    final void bind(Session session) {
        synchronized (inbound) {
            this.session = session;
        }
    }

    /**
     * Hands the frame lines of one POST to the session, in order, stopping at the first one that
     * made the server close the connection.
     *
     * @param maxMessageBytes the largest frame, in bytes of its line (text) or decoded (binary)
     */
    final Delivery deliver(Iterable<String> lines, int maxMessageBytes) {
        synchronized (inbound) {
            return deliverLocked(lines, maxMessageBytes);
        }
    }

    private Delivery deliverLocked(Iterable<String> lines, int maxMessageBytes) {
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            if (closeCode == CloseCodes.NORMAL) {
                return Delivery.ACCEPTED; // the page said bye: what follows is of no use
            }
            if (ended || closeCode != 0 || session == null) {
                return Delivery.CLOSED;
            }
            if (FrameLines.isBinary(line)) {
                byte[] bytes;
                try {
                    bytes = FrameLines.binary(line);
                } catch (IllegalArgumentException e) {
                    close(CloseCodes.BAD_FRAME, "binary frame line is not valid base64");
                    return Delivery.BAD_FRAME;
                }
                if (bytes.length > maxMessageBytes) {
                    close(CloseCodes.MESSAGE_TOO_BIG, "message too big");
                    return Delivery.TOO_BIG;
                }
                session.binary(bytes);
            } else {
                // A UTF-16 length over the limit is certainly over it in UTF-8 too; the exact byte
                // count is only needed near the limit.
                if (line.length() > maxMessageBytes
                        || (line.length() * 3L > maxMessageBytes
                                && line.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes)) {
                    close(CloseCodes.MESSAGE_TOO_BIG, "message too big");
                    return Delivery.TOO_BIG;
                }
                session.text(line);
            }
            if (closeCode == CloseCodes.BAD_FRAME) {
                return Delivery.BAD_FRAME;
            }
        }
        return closeCode == 0 || closeCode == CloseCodes.NORMAL ? Delivery.ACCEPTED : Delivery.CLOSED;
    }

    @Override
    public final void close(int code, String reason) {
        synchronized (inbound) {
            if (closeCode != 0 || ended) {
                return;
            }
            closeCode = code;
            closeReason = reason == null ? "" : reason;
        }
        closeTransport(code, reason);
    }

    /** Why the server closed this connection; empty while open. */
    final String closeReason() {
        return closeReason;
    }

    /** Whether the server closed this connection or it ended. Lock-free, for the send path. */
    final boolean isClosed() {
        return closeCode != 0 || ended;
    }

    /**
     * Whether the server closed this connection with a close code (its close frame is queued or
     * sent), as opposed to the connection having ended by itself. Lock-free.
     */
    final boolean closedByServer() {
        return closeCode != 0;
    }

    /** Whether the connection ended (the session heard of it). Lock-free. */
    final boolean isEnded() {
        return ended;
    }

    /** Sends the close frame and ends the transport's side; called once. */
    abstract void closeTransport(int code, String reason);

    /**
     * The connection is over: it leaves the registry and the session hears of it, once. Any thread.
     */
    final void ended() {
        registry.remove(this);
        endSession();
    }

    /** The session hears that the connection ended, once; it stays in the registry. Any thread. */
    final void endSession() {
        synchronized (inbound) {
            if (ended) {
                return;
            }
            ended = true;
            if (session != null) {
                session.closed();
            }
        }
    }
}
