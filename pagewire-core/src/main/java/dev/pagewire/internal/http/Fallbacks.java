package dev.pagewire.internal.http;

import dev.pagewire.internal.App;
import dev.pagewire.internal.Attachment;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.ResponseStream;
import java.nio.charset.CharacterCodingException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The HTTP fallback transports' requests (docs/PROTOCOL.md §8): opening an SSE or long-polling
 * connection, polls, and the POSTs that carry frames to the server, each answered with the status
 * its outcome maps to. The router checked the Origin. Never blocks.
 */
final class Fallbacks {

    private final App app;
    private final Duration pollTimeout;
    private final FallbackConnections connections = new FallbackConnections();
    private final Refusals refusals;

    Fallbacks(App app, Duration pollTimeout) {
        this(app, pollTimeout, new Refusals());
    }

    Fallbacks(App app, Duration pollTimeout, Refusals refusals) {
        this.app = app;
        this.pollTimeout = pollTimeout;
        this.refusals = refusals;
    }

    /**
     * How long a connection the server closed stays known after it ended: a POST sent before the
     * client read the close frame is then answered 409 (wait for the close frame), not 410.
     */
    private long lingerMillis() {
        return pollTimeout.toMillis() + 5_000;
    }

    /** Open fallback connections (tests, diagnostics). */
    int openConnections() {
        return connections.size();
    }

    /** A request that carries a page token (the {@code pagewire} parameter). */
    void handle(Request request) {
        String token = request.param("pagewire");
        String conn = request.param("conn");
        HttpResponse.Headers headers = headers(request.origin());
        if (request.isPost()) {
            if (conn == null) {
                fail(request, headers, 400, "a POST needs the conn parameter");
            } else {
                post(request, headers, token, conn);
            }
            return;
        }
        if (!request.isGet()) {
            fail(request, headers, 405, "a channel request is a GET or a POST");
            return;
        }
        if (conn != null) {
            poll(request, headers, token, conn);
            return;
        }
        String transport = request.param("transport");
        if ("sse".equals(transport)) {
            openSse(request, headers, token);
        } else if ("longpolling".equals(transport)) {
            openLongPolling(request, headers, token);
        } else {
            fail(
                    request,
                    headers,
                    400,
                    "unknown transport '" + transport + "': use sse or longpolling, or a WebSocket upgrade");
        }
    }

    /**
     * The headers of every fallback response: never cached or transformed, never buffered by proxies
     * that honour {@code X-Accel-Buffering} (docs/PROTOCOL.md §8.2), and CORS for an allowed origin.
     */
    private HttpResponse.Headers headers(String origin) {
        HttpResponse.Headers headers = new HttpResponse.Headers()
                .set("Cache-Control", "no-store, no-transform")
                .set("X-Accel-Buffering", "no")
                .set("X-Content-Type-Options", "nosniff");
        return Cors.add(headers, origin, app.settings().allowCredentials());
    }

    private void openSse(Request request, HttpResponse.Headers headers, String token) {
        String path = request.path();
        ResponseStream stream = request.exchange().stream(
                200,
                new HttpResponse.Headers().addAll(headers).set("Content-Type", "text/event-stream; charset=utf-8"));
        SseConnection connection = new SseConnection(
                connections.newId(), app.pageIdOf(path, token), connections, stream, app.scheduler(), lingerMillis());
        switch (app.attach(path, token, request.param("ack"), connection)) {
            case Attachment.Accepted a -> {
                connections.add(connection);
                connection.bind(a.session());
                connection.start();
            }
            case Attachment.Refused r -> {
                refusals.refused("SSE", path, Refusals.client(request), r);
                stream.write(SseConnection.event(FrameLines.close(r.code(), r.reason())));
                stream.end();
            }
        }
    }

    private void openLongPolling(Request request, HttpResponse.Headers headers, String token) {
        String path = request.path();
        LongPollConnection connection = new LongPollConnection(
                connections.newId(), app.pageIdOf(path, token), connections, pollTimeout, app.scheduler(), headers);
        switch (app.attach(path, token, request.param("ack"), connection)) {
            case Attachment.Accepted a -> {
                connections.add(connection);
                connection.bind(a.session());
                connection.answerOpen(request.exchange());
            }
            case Attachment.Refused r -> {
                refusals.refused("long-polling", path, Refusals.client(request), r);
                byte[] line = FrameLines.line(FrameLines.close(r.code(), r.reason()));
                byte[] body = Arrays.copyOf(line, line.length + 1);
                body[line.length] = '\n';
                request.exchange()
                        .respond(
                                new HttpResponse(
                                        200,
                                        r.reason(),
                                        new HttpResponse.Headers()
                                                .addAll(headers)
                                                .set("Content-Type", "text/plain; charset=utf-8"),
                                        body),
                                null);
            }
        }
    }

    private void poll(Request request, HttpResponse.Headers headers, String token, String conn) {
        FallbackConnection found = find(request, headers, token, conn);
        if (found == null) {
            return;
        }
        if (!(found instanceof LongPollConnection connection)) {
            fail(request, headers, 400, "connection " + conn + " is not a long-polling connection");
            return;
        }
        if (!connection.poll(request.exchange())) {
            fail(request, headers, 410, "the connection is closed");
        }
    }

    private void post(Request request, HttpResponse.Headers headers, String token, String conn) {
        String path = request.path();
        // An unknown connection is not refused yet: a closing tab's bye may come after its stream ended.
        FallbackConnection connection = connections.get(conn);
        if (connection != null && !matches(connection, path, token)) {
            fail(request, headers, 410, "the page token does not match the connection");
            return;
        }
        List<String> lines;
        try {
            lines = FrameLines.lines(request.exchange().body());
        } catch (CharacterCodingException e) {
            if (connection != null) {
                connection.close(CloseCodes.INVALID_PAYLOAD, "invalid UTF-8 in a POST");
            }
            fail(request, headers, 400, "invalid UTF-8 in a POST");
            return;
        }
        int maxMessageBytes = app.settings().maxMessageBytes();
        FallbackConnection.Delivery delivery =
                connection == null ? FallbackConnection.Delivery.CLOSED : connection.deliver(lines, maxMessageBytes);
        switch (delivery) {
            case ACCEPTED -> request.exchange().respond(new HttpResponse(204, null, headers, new byte[0]), null);
            case BAD_FRAME, INVALID_UTF8 -> fail(request, headers, 400, connection.closeReason());
            case TOO_BIG -> fail(request, headers, 413, "a frame is larger than " + maxMessageBytes + " bytes");
            case CLOSED -> {
                // A closing tab aborts its stream as its beacon leaves, so the connection may have
                // ended before (or while) the bye arrived: the page leaves all the same.
                if (saysBye(lines) && app.leave(path, token)) {
                    request.exchange().respond(new HttpResponse(204, null, headers, new byte[0]), null);
                } else if (connection != null && connection.closedByServer()) {
                    // Its close frame is queued or on its way down: the client must read it there
                    // (a 410 here would make it report a lost connection and miss the code).
                    fail(
                            request,
                            headers,
                            409,
                            "the server closed the connection: its close frame is on the down channel");
                } else {
                    fail(
                            request,
                            headers,
                            410,
                            connection == null ? "no such connection (closed or expired)" : "the connection is closed");
                }
            }
        }
    }

    /** Whether the last frame line of a POST is {@code ["bye"]}. */
    private static boolean saysBye(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i).strip();
            if (!line.isEmpty()) {
                return line.equals("[\"bye\"]");
            }
        }
        return false;
    }

    /** The connection a poll names, if the token is the one of its page; else answers 410. */
    private FallbackConnection find(Request request, HttpResponse.Headers headers, String token, String conn) {
        FallbackConnection connection = connections.get(conn);
        if (connection == null) {
            fail(request, headers, 410, "no such connection (closed or expired)");
            return null;
        }
        if (!matches(connection, request.path(), token)) {
            fail(request, headers, 410, "the page token does not match the connection");
            return null;
        }
        return connection;
    }

    /** Whether {@code token} is a genuine token of the page that owns {@code connection}. */
    private boolean matches(FallbackConnection connection, String path, String token) {
        String pageId = app.pageIdOf(path, token);
        return pageId != null && pageId.equals(connection.pageId());
    }

    private static void fail(Request request, HttpResponse.Headers headers, int status, String reason) {
        HttpResponse text = HttpResponse.text(status, reason);
        HttpExchange exchange = request.exchange();
        exchange.respond(
                new HttpResponse(
                        status,
                        text.reason(),
                        new HttpResponse.Headers().addAll(headers).set("Content-Type", "text/plain; charset=utf-8"),
                        text.body()),
                null);
    }
}
