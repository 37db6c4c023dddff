package dev.pagewire.internal;

/**
 * A plain HTTP answer the core decided and a transport writes as is: the opening of an endpoint
 * connection (docs/PROTOCOL.md §12.2).
 *
 * @param status the HTTP status
 * @param contentType the body's media type, e.g. {@code "application/json"}
 * @param body the body
 */
public record Answer(int status, String contentType, String body) {

    /** A {@code text/plain} answer. */
    public static Answer text(int status, String body) {
        return new Answer(status, "text/plain; charset=utf-8", body);
    }

    /** An {@code application/json} answer. */
    public static Answer json(int status, String body) {
        return new Answer(status, "application/json", body);
    }
}
