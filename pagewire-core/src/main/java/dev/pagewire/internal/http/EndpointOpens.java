package dev.pagewire.internal.http;

import dev.pagewire.internal.Answer;
import dev.pagewire.internal.App;
import dev.pagewire.internal.Utf8;
import dev.pagewire.spi.HttpResponse;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP requests of docs/PROTOCOL.md §12.2 that carry no page token: opening an endpoint connection
 * ({@code POST} of an endpoint's path) and CORS preflights ({@code OPTIONS} of a page or endpoint
 * path). The router checked the Origin. The open runs on a virtual thread (the endpoint's authorizer
 * and handler may block).
 */
final class EndpointOpens {

    private final App app;

    EndpointOpens(App app) {
        this.app = app;
    }

    /** A request to an endpoint's path: {@code POST} with the body {@code {"params": …}} opens. */
    void open(Request request) {
        if (!request.isPost()) {
            request.exchange()
                    .respond(
                            HttpResponse.text(
                                    405,
                                    "an endpoint has no page: open a channel to it (POST, or pagewire.open in a page)"),
                            null);
            return;
        }
        String origin = request.origin();
        String body = utf8(request.exchange().body());
        app.blockingWork().execute(() -> {
            Answer answer = body == null
                    ? Answer.text(400, "the body must be a JSON object {\"params\": …} in UTF-8\n")
                    : app.openEndpoint(request.path(), body, origin);
            HttpResponse.Headers headers = new HttpResponse.Headers()
                    .set("Content-Type", answer.contentType())
                    .set("Cache-Control", "no-store")
                    .set("X-Content-Type-Options", "nosniff");
            Cors.add(headers, origin, app.settings().allowCredentials());
            request.exchange()
                    .respond(
                            new HttpResponse(
                                    answer.status(),
                                    null,
                                    headers,
                                    answer.body().getBytes(StandardCharsets.UTF_8)),
                            null);
        });
    }

    /**
     * The body as text, or {@code null} if it is not UTF-8: decoding it leniently would turn bytes
     * that are not into U+FFFD and open the endpoint with params the client never sent (found by
     * EndpointOpensFuzzTest).
     */
    private static String utf8(byte[] body) {
        try {
            return Utf8.decode(body);
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** {@code OPTIONS} of a page or endpoint: a CORS preflight, answered for an allowed Origin only. */
    void preflight(Request request) {
        String origin = request.origin();
        if (origin == null) {
            request.exchange().respond(HttpResponse.text(403, "a preflight needs an Origin"), null);
            return;
        }
        HttpResponse.Headers headers = new HttpResponse.Headers()
                .set("Access-Control-Allow-Methods", "GET, POST")
                .set("Access-Control-Allow-Headers", "Content-Type")
                .set("Access-Control-Max-Age", "600");
        Cors.add(headers, origin, app.settings().allowCredentials());
        request.exchange().respond(new HttpResponse(204, null, headers, new byte[0]), null);
    }
}
