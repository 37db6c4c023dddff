package dev.pagewire.servlet.internal;

import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.Connection;
import dev.pagewire.spi.OutFrame;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A page WebSocket in a servlet container as a {@link Connection}. Jakarta WebSocket allows one
 * asynchronous send at a time, so frames queue here and go one after the other, each sent when the
 * previous completed: no thread ever blocks on a slow client, and what waits is counted
 * ({@link #queuedBytes}) for the protocol's slow-consumer limit. A close goes after the frames
 * queued before it. Thread-safe.
 */
final class ServletWebSocketConnection implements Connection {

    private static final Logger log = LoggerFactory.getLogger(ServletWebSocketConnection.class);
    private static final int MAX_REASON_BYTES = 123;

    /** A queued close. */
    private record Close(int code, String reason) {}

    private final Session socket;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private final AtomicLong queued = new AtomicLong();
    private boolean sending;
    private boolean closing;
    /** The thread inside {@link #pump} now: a send completing on it continues the loop, not a new one. */
    private Thread pumping;

    ServletWebSocketConnection(Session socket) {
        this.socket = socket;
    }

    @Override
    public String transport() {
        return "websocket";
    }

    @Override
    public void send(OutFrame frame) {
        synchronized (this) {
            if (closing) {
                return;
            }
            queue.add(frame);
            queued.addAndGet(frame.size());
        }
        pump();
    }

    @Override
    public long queuedBytes() {
        return queued.get();
    }

    @Override
    public void close(int code, String reason) {
        boolean now;
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            // A slow consumer is closed at once: what it did not read waits in the page for a resume.
            now = code == CloseCodes.SLOW_CONSUMER;
            if (now) {
                queue.clear();
                queued.set(0);
                sending = true;
            } else {
                queue.add(new Close(code, truncate(reason)));
            }
        }
        if (now) {
            dispatch(new Close(code, truncate(reason)));
        } else {
            pump();
        }
    }

    /** Sends queued items one at a time; returns when one is in flight or none is left. */
    private void pump() {
        while (true) {
            Object next;
            synchronized (this) {
                if (sending || queue.isEmpty()) {
                    return;
                }
                next = queue.poll();
                sending = true;
                pumping = Thread.currentThread();
            }
            boolean inline;
            try {
                inline = dispatch(next);
            } finally {
                synchronized (this) {
                    pumping = null;
                }
            }
            if (!inline) {
                return;
            }
        }
    }

    /** Starts sending one item; whether it completed on this thread already (then the loop goes on). */
    private boolean dispatch(Object next) {
        if (next instanceof Close close) {
            try {
                socket.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(close.code()), close.reason()));
            } catch (IOException | IllegalStateException e) {
                log.debug("WebSocket {} closed before its close frame: {}", socket.getId(), e.toString());
            }
            synchronized (this) {
                queue.clear();
                queued.set(0);
            }
            return false; // nothing follows a close: sending stays set
        }
        OutFrame frame = (OutFrame) next;
        Thread caller = Thread.currentThread();
        boolean[] completedHere = new boolean[1];
        try {
            if (frame.binary()) {
                socket.getAsyncRemote()
                        .sendBinary(ByteBuffer.wrap(frame.payload()), r -> sent(frame, r, caller, completedHere));
            } else {
                socket.getAsyncRemote()
                        .sendText(
                                new String(frame.payload(), StandardCharsets.UTF_8),
                                r -> sent(frame, r, caller, completedHere));
            }
        } catch (IllegalStateException e) {
            // The connection is closing: what is queued is of no use any more.
            synchronized (this) {
                closing = true;
                queue.clear();
                queued.set(0);
            }
            return false;
        }
        synchronized (this) {
            return completedHere[0];
        }
    }

    private void sent(OutFrame frame, SendResult result, Thread caller, boolean[] completedHere) {
        queued.addAndGet(-frame.size());
        boolean continueHere;
        synchronized (this) {
            sending = false;
            continueHere = pumping == caller && Thread.currentThread() == caller;
            if (continueHere) {
                completedHere[0] = true;
            }
        }
        if (!result.isOK()) {
            log.debug("WebSocket {} send failed: {}", socket.getId(), String.valueOf(result.getException()));
            synchronized (this) {
                closing = true;
                queue.clear();
                queued.set(0);
            }
            return;
        }
        if (!continueHere) {
            pump();
        }
    }

    private static String truncate(String reason) {
        if (reason == null) {
            return "";
        }
        String r = reason;
        while (r.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }
}
