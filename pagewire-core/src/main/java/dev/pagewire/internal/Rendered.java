package dev.pagewire.internal;

/**
 * The outcome of rendering a page route.
 *
 * @param status the HTTP status
 * @param html the body (already carrying the injected client script when {@code status} is 200)
 */
public record Rendered(int status, String html) {}
