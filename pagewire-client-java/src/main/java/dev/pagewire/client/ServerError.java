package dev.pagewire.client;

/**
 * The server refused or failed one of the client's events (an {@code err} frame,
 * docs/PROTOCOL.md §3), for example {@code unknown_event} or {@code handler_error}; the connection
 * stays open. Also {@code message_too_large} when the server refused a frame for its size (§10.5).
 *
 * @param code the machine-readable code; never {@code null}
 * @param message a human-readable explanation; never {@code null}
 */
public record ServerError(String code, String message) {}
