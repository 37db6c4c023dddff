package dev.pagewire;

import java.util.Objects;

/**
 * Why a call to the browser ({@link Page#call}) failed: the future it returned completes
 * exceptionally with this. {@link #code()} is {@code "timeout"} when no reply came in time,
 * {@code "closed"} when the page closed first, or the code of the browser handler's error
 * (e.g. {@code "unknown_call"}, {@code "handler_error"}, or one the page's code chose).
 */
public class CallException extends RuntimeException {

    /** The machine-readable code, as {@link #code()} returns it. */
    private final String code;

    /**
     * Creates the failure of one call.
     *
     * @param code the machine-readable code, never {@code null}
     * @param message a human-readable explanation
     */
    public CallException(String code, String message) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * The machine-readable error code.
     *
     * @return {@code "timeout"}, {@code "closed"} or the browser handler's code; never {@code null}
     */
    public String code() {
        return code;
    }
}
