package dev.pagewire.client.internal;

import dev.pagewire.client.Transport;
import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The preferred transport: one WebSocket to the page URL (docs/PROTOCOL.md §2), with {@code
 * java.net.http}. Sends are chained, since that API allows one outstanding send at a time; frames
 * are handed to the channel as whole messages, and the next one is requested only then.
 *
 * <p>Thread-safe: {@link #send} and {@link #close} may be called from any thread.
 */
final class WebSocketLink implements Link, WebSocket.Listener {

    private static final System.Logger LOG = System.getLogger(WebSocketLink.class.getName());
    /** How long a closed socket may wait for the server's close before it is aborted. */
    private static final long CLOSE_GRACE_MS = 1000;

    private final HttpClient http;
    private final URI uri;
    private final Duration connectTimeout;
    private final Events events;
    private final ScheduledExecutorService timers;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Object sendLock = new Object();
    /** The last send; the next one starts when it completes. Guarded by {@link #sendLock}. */
    private CompletableFuture<WebSocket> tail;

    private volatile WebSocket socket;
    /**
     * Set by {@link #close} with {@link #ended}: a close frame is queued behind the open, so the
     * open must not abort. Guarded by {@link #sendLock}.
     */
    private boolean closing;
    /** Set when the close grace ran out: a socket that opens after that is aborted at once. */
    private volatile boolean aborted;

    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    WebSocketLink(HttpClient http, URI uri, Duration connectTimeout, Events events, ScheduledExecutorService timers) {
        this.http = http;
        this.uri = uri;
        this.connectTimeout = connectTimeout;
        this.events = events;
        this.timers = timers;
    }

    @Override
    public Transport transport() {
        return Transport.WEBSOCKET;
    }

    @Override
    public void start() {
        CompletableFuture<WebSocket> opening =
                http.newWebSocketBuilder().connectTimeout(connectTimeout).buildAsync(uri, this);
        synchronized (sendLock) {
            tail = opening;
        }
        opening.whenCompleteAsync((ws, error) -> {
            if (error != null) {
                end(1006, "the WebSocket did not open: " + rootMessage(error));
                return;
            }
            socket = ws;
            boolean abort;
            synchronized (sendLock) { // close() sets ended and closing together
                abort = aborted || (ended.get() && !closing);
            }
            // Ended by a failure before it opened: nothing to say to the server. Ended by close():
            // the close frame is queued behind this open (the first frame may arrive, and be found
            // wrong, before the open completes), and the grace timer aborts if the server never answers.
            if (abort) {
                ws.abort();
            }
        });
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            String message = text.toString();
            text.setLength(0);
            deliver(() -> Frames.parse(message));
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        binary.writeBytes(chunk);
        if (last) {
            ByteBuffer message = ByteBuffer.wrap(binary.toByteArray());
            binary.reset();
            deliver(() -> Frames.parse(message));
        }
        webSocket.request(1);
        return null;
    }

    /** A complete message's frame, parsed when it is delivered. */
    private interface Parse {
        Inbound frame() throws java.io.IOException;
    }

    /** Hands a complete message to the client, unless this link ended; a malformed one is skipped. */
    private void deliver(Parse parse) {
        if (ended.get()) {
            return;
        }
        try {
            events.frame(this, parse.frame());
        } catch (java.io.IOException e) {
            LOG.log(Level.WARNING, "pagewire: ignoring a malformed frame from the server: " + e.getMessage());
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        end(statusCode, reason);
        return null; // the implementation answers the close
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        end(1006, "the WebSocket failed: " + rootMessage(error));
    }

    @Override
    public void send(List<Outgoing> frames) {
        if (frames.isEmpty() || ended.get()) {
            return;
        }
        synchronized (sendLock) {
            for (Outgoing frame : frames) {
                tail = tail.thenCompose(ws -> switch (frame) {
                    case Outgoing.Text t -> ws.sendText(t.text(), true);
                    case Outgoing.Binary b -> ws.sendBinary(ByteBuffer.wrap(b.bytes()), true);
                });
            }
            tail.whenCompleteAsync((ws, error) -> {
                if (error != null) {
                    end(1006, "a WebSocket send failed: " + rootMessage(error));
                }
            });
        }
    }

    @Override
    public void bye() {
        if (!ended.get() && socket != null) {
            send(List.of(Outgoing.BYE));
        }
        close(1000, "page closed");
    }

    @Override
    public void close(int code, String reason) {
        CompletableFuture<WebSocket> last;
        synchronized (sendLock) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            closing = true;
            last = tail.thenCompose(ws -> ws.sendClose(code, reason));
            tail = last;
        }
        Runnable abort = () -> {
            aborted = true;
            WebSocket ws = socket;
            if (ws != null) {
                ws.abort();
            }
        };
        try {
            timers.schedule(abort, CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            last.whenComplete((ws, error) -> abort.run()); // the client is over: no timer left
        }
    }

    private void end(int code, String reason) {
        if (ended.compareAndSet(false, true)) {
            WebSocket ws = socket;
            if (ws != null) {
                ws.abort();
            }
            events.end(this, code, reason);
        }
    }

    static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
