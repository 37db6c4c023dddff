package dev.pagewire.client;

import java.util.Objects;

/**
 * Why a call failed (docs/PROTOCOL.md §11): a future from {@link PagewireClient#call} completes
 * exceptionally with it. {@link #code()} is {@code timeout} when no reply came in time, {@code
 * closed} when the channel ended first, {@code message_too_large} when the server refused the call
 * for its size, or the code the server's handler answered ({@code unknown_call}, {@code
 * handler_error}, or one an {@code EventException} chose).
 *
 * <p>A handler registered with {@link PagewireClient#handle} may throw it to answer the server's
 * call with that code and message.
 */
public class CallFailedException extends RuntimeException {

    /** The machine-readable code, as {@link #code()} returns it. */
    private final String code;

    /**
     * Creates the failure of one call.
     *
     * @param code the machine-readable code; never {@code null}
     * @param message a human-readable explanation
     */
    public CallFailedException(String code, String message) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** {@return the machine-readable code; never {@code null}} */
    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return "CallFailedException[" + code + "]: " + getMessage();
    }
}
