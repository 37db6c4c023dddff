package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * What SSE and long-polling share (docs/PROTOCOL.md §8): the connection id from the {@code open}
 * frame, frame lines down, POSTs up (one at a time, batching what queued meanwhile), {@code close}
 * frames, and ending. The owning transport reads the down channel and hands each frame line to
 * {@link #receive}.
 *
 * <p>Thread-safe. It never calls its {@link Link.Events} while holding its own lock, since the
 * channel calls {@link #send} while holding the channel's.
 */
final class HttpLink {

    private static final System.Logger LOG = System.getLogger(HttpLink.class.getName());
    /** Most characters one POST batches; a longer frame goes alone (§8.5). */
    private static final int MAX_POST_CHARS = 256 * 1024;
    /** A POST unanswered this long means the connection is lost. */
    private static final Duration POST_TIMEOUT = Duration.ofSeconds(15);

    private static final Pattern CONTROL_LINE = Pattern.compile("^\\[\\s*\"(?:open|close)\"");

    private final Link owner;
    private final HttpClient http;
    /** The page URL with the token. */
    private final String base;

    private final Link.Events events;
    private final Runnable abortDown;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final ArrayDeque<String> outbox = new ArrayDeque<>();
    /** Guarded by this. */
    private CompletableFuture<HttpResponse<String>> post;

    private volatile String conn;
    /** The server refused a POST (400, 413) or closed the connection (409): nothing more goes up. */
    private boolean refused;
    /** Runs once no POST is in flight and nothing waits (an upgrade, §9.5); guarded by this. */
    private Runnable drained;

    HttpLink(Link owner, HttpClient http, String base, Link.Events events, Runnable abortDown) {
        this.owner = owner;
        this.http = http;
        this.base = base;
        this.events = events;
        this.abortDown = abortDown;
    }

    boolean ended() {
        return ended.get();
    }

    String conn() {
        return conn;
    }

    /** A GET of the page URL with more query text, e.g. {@code "&transport=sse&ack=3"}. */
    HttpRequest.Builder get(String query) {
        return HttpRequest.newBuilder(URI.create(base + query))
                .version(HttpClient.Version.HTTP_1_1)
                .header("Cache-Control", "no-store")
                .GET();
    }

    /** Handles one frame line of the down channel, on the reader's thread. */
    void receive(String raw) {
        String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
        if (ended.get() || line.isEmpty()) {
            return;
        }
        try {
            if (line.charAt(0) == '~') {
                events.frame(
                        owner, Frames.parse(ByteBuffer.wrap(Base64.getDecoder().decode(line.substring(1)))));
            } else if (CONTROL_LINE.matcher(line).find()) {
                control(Frames.parse(line));
            } else {
                events.frame(owner, Frames.parse(line));
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "pagewire: ignoring a malformed frame from the server: " + e.getMessage());
        }
    }

    private void control(Inbound frame) {
        if (frame.type().equals("close")) {
            JsonNode code = frame.at(1);
            end(code.canConvertToInt() ? code.asInt() : 1006, frame.at(2).asText(""));
        } else if (conn == null
                && frame.at(1).isTextual()
                && !frame.at(1).textValue().isEmpty()) {
            conn = frame.at(1).textValue();
            events.open(owner);
            pump();
        }
    }

    void send(List<Outgoing> frames) {
        synchronized (this) {
            if (ended.get() || refused) {
                return;
            }
            for (Outgoing frame : frames) {
                outbox.addLast(frame.line());
            }
        }
        pump();
    }

    /** See {@link Link#whenDrained}. */
    void whenDrained(Runnable task) {
        synchronized (this) {
            if (ended.get()) {
                return;
            }
            if (post != null || !outbox.isEmpty()) {
                drained = task;
                return;
            }
        }
        task.run();
    }

    private void pump() {
        CompletableFuture<HttpResponse<String>> sent;
        Runnable idle = null;
        synchronized (this) {
            if (ended.get() || post != null || conn == null) {
                return;
            }
            if (outbox.isEmpty()) {
                idle = drained;
                drained = null;
            }
        }
        if (idle != null) {
            idle.run();
            return;
        }
        synchronized (this) {
            if (ended.get() || post != null || outbox.isEmpty() || conn == null) {
                return;
            }
            StringBuilder body = new StringBuilder();
            while (!outbox.isEmpty()
                    && (body.isEmpty() || body.length() + outbox.peekFirst().length() + 1 <= MAX_POST_CHARS)) {
                if (!body.isEmpty()) {
                    body.append('\n');
                }
                body.append(outbox.pollFirst());
            }
            sent = http.sendAsync(
                    postRequest(body.toString()).timeout(POST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            post = sent;
        }
        sent.whenComplete((response, error) -> posted(sent, response, error));
    }

    private void posted(CompletableFuture<HttpResponse<String>> sent, HttpResponse<String> response, Throwable error) {
        synchronized (this) {
            if (post != sent) {
                return; // closed meanwhile
            }
            post = null;
        }
        if (error != null) {
            end(1006, "a POST failed: " + WebSocketLink.rootMessage(error));
        } else if (response.statusCode() / 100 == 2) {
            pump();
        } else if (response.statusCode() == 400 || response.statusCode() == 413 || response.statusCode() == 409) {
            // The server closes (409: closed) the connection and says why on the down channel
            // (4400, 1009, or whatever code it closed with).
            LOG.log(
                    response.statusCode() == 409 ? Level.DEBUG : Level.WARNING,
                    "pagewire: the server refused frames (HTTP " + response.statusCode()
                            + ") and closes the connection: " + response.body());
            synchronized (this) {
                refused = true;
                outbox.clear();
            }
            pump(); // nothing waits now: runs what waited for the drain (an upgrade, §9.5)
        } else {
            end(1006, "a POST was answered with HTTP " + response.statusCode());
        }
    }

    private HttpRequest.Builder postRequest(String body) {
        return HttpRequest.newBuilder(URI.create(base + "&conn=" + conn))
                .version(HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /**
     * POSTs what waits and {@code ["bye"]}, then closes. The down channel stays open until the bye
     * is answered: a server that saw it end first would forget the connection and refuse the bye
     * with {@code 410}, leaving the page to its grace period.
     */
    void bye() {
        String body;
        synchronized (this) {
            if (ended.get() || conn == null) {
                body = null;
            } else {
                StringBuilder b = new StringBuilder();
                for (String line : outbox) {
                    b.append(line).append('\n');
                }
                body = b.append(Outgoing.BYE.text()).toString();
            }
        }
        if (body == null) {
            close();
            return;
        }
        ended.set(true); // reports nothing more, sends nothing more
        synchronized (this) {
            post = null; // a POST in flight may still deliver its frames; its answer is not needed
            outbox.clear();
        }
        http.sendAsync(postRequest(body).timeout(POST_TIMEOUT).build(), HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, error) -> {
                    if (error != null) {
                        LOG.log(Level.WARNING, "pagewire: saying bye failed: " + WebSocketLink.rootMessage(error));
                    }
                    abortDown.run();
                });
    }

    /** Ends the connection because it is over (a {@code close} frame, a failed request), and reports it. */
    void end(int code, String reason) {
        if (close()) {
            events.end(owner, code, reason);
        }
    }

    /** Ends the connection without a report; true if this call ended it. */
    boolean close() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        CompletableFuture<HttpResponse<String>> inFlight;
        synchronized (this) {
            inFlight = post;
            post = null;
            outbox.clear();
        }
        if (inFlight != null) {
            inFlight.cancel(true);
        }
        abortDown.run();
        return true;
    }
}
