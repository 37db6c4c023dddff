package dev.pagewire.internal.http;

import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.HttpResponse;
import java.util.Base64;

/**
 * What a request must be before any route answers it, whatever server carried it: one {@code Host}
 * (RFC 9112 §3.2), and for a WebSocket an RFC 6455 opening handshake (§4.2.1) over HTTP/1.1, so
 * that no older draft's handshake (Hixie-75/76, which echoes the request's URL, token and all, in
 * its answer and frames messages without masking) is ever accepted. Each refusal is a status with
 * a reason the client can read. Stateless.
 */
final class RequestChecks {

    /** The WebSocket version this server speaks, sent with a {@code 426} to a client that asked for another. */
    static final String WEBSOCKET_VERSION = "13";

    private RequestChecks() {}

    /** The answer refusing {@code exchange}, or {@code null} if it may go on to its route. */
    static HttpResponse refusal(HttpExchange exchange, boolean webSocket) {
        int hosts = exchange.headerCount("Host");
        if (hosts > 1) {
            return HttpResponse.text(400, "more than one Host header");
        }
        if (hosts == 0 && "HTTP/1.1".equals(exchange.version())) {
            return HttpResponse.text(400, "an HTTP/1.1 request needs a Host header");
        }
        return webSocket ? webSocketRefusal(exchange) : null;
    }

    private static HttpResponse webSocketRefusal(HttpExchange exchange) {
        String version = exchange.version();
        if (!"HTTP/1.1".equals(version)) {
            // HTTP/1.0 has no Upgrade (RFC 6455 §4.1: HTTP/1.1 or higher); HTTP/2 upgrades differently.
            return HttpResponse.text(400, "a WebSocket opening handshake needs HTTP/1.1, not " + version);
        }
        if (exchange.headerCount("Sec-WebSocket-Version") != 1
                || !WEBSOCKET_VERSION.equals(
                        exchange.header("Sec-WebSocket-Version").strip())) {
            HttpResponse refusal = HttpResponse.text(426, "only WebSocket version 13 (RFC 6455) is supported here");
            refusal.headers().set("Sec-WebSocket-Version", WEBSOCKET_VERSION);
            return refusal;
        }
        if (exchange.headerCount("Sec-WebSocket-Key") != 1 || !isKey(exchange.header("Sec-WebSocket-Key"))) {
            return HttpResponse.text(400, "Sec-WebSocket-Key must be 16 random bytes in base64 (RFC 6455 §4.1)");
        }
        return null;
    }

    /** Whether {@code key} is the base64 of exactly 16 bytes: 22 characters and {@code ==}. */
    private static boolean isKey(String key) {
        String k = key.strip();
        if (k.length() != 24 || !k.endsWith("==")) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(k).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
