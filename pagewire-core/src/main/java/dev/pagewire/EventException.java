package dev.pagewire;

import java.util.Objects;

/**
 * Thrown by a handler to refuse an event with an error the browser may see: its {@link #code()} and
 * message travel in an {@code err} frame. Other exceptions are logged and reported generically, so
 * only throw this with text that is safe to show.
 */
public class EventException extends RuntimeException {

    /** The machine-readable code, as {@link #code()} returns it. */
    private final String code;

    /**
     * Creates the refusal of one event.
     *
     * @param code a short machine-readable code such as {@code "too_long"}
     * @param message a human-readable explanation, safe to show to the user
     */
    public EventException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * The machine-readable error code, sent to the browser with the message.
     *
     * @return the code given to the constructor; never {@code null}
     */
    public String code() {
        return code;
    }
}
