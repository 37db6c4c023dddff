package dev.pagewire.internal.http;

import dev.pagewire.spi.HttpResponse;

/**
 * The headers of cross-origin answers (docs/PROTOCOL.md §12.2): for an allowed {@code Origin}, that
 * origin itself (never {@code *}), {@code Vary: Origin}, and credentials only when the application
 * allows them. The Origin was checked before ({@link OriginPolicy}).
 */
final class Cors {

    private Cors() {}

    /** Adds the CORS headers for {@code origin} ({@code null}: a same-origin or non-browser request, none). */
    static HttpResponse.Headers add(HttpResponse.Headers headers, String origin, boolean allowCredentials) {
        if (origin != null) {
            headers.set("Access-Control-Allow-Origin", origin).set("Vary", "Origin");
            if (allowCredentials) {
                headers.set("Access-Control-Allow-Credentials", "true");
            }
        }
        return headers;
    }
}
