package dev.pagewire.client;

import java.io.IOException;
import java.util.Objects;

/**
 * A channel or an endpoint connection was not admitted (docs/PROTOCOL.md §12): the endpoint's
 * authorizer refused it ({@code refused}, with its own reason), no endpoint is at that path
 * ({@code not_found}), its open handler failed ({@code error}), the page has {@code maxChannels}
 * open ({@code limit}), the page closed before the answer came ({@code page_closed}), or (an
 * endpoint connection) the server does not allow the request's Origin ({@code origin}).
 *
 * <p>{@link ClientChannel#opened()} fails with it; {@link PagewireClient#openEndpoint} throws it.
 */
public class ChannelRefusedException extends IOException {

    /** The §12.1 code, as {@link #code()} returns it. */
    private final String code;

    /** The server's reason, as {@link #reason()} returns it. */
    private final String reason;

    /**
     * Creates the refusal of one channel or endpoint connection.
     *
     * @param code the §12.1 code; never {@code null}
     * @param reason the server's reason; never {@code null}
     */
    public ChannelRefusedException(String code, String reason) {
        super("the channel was refused (" + code + ")" + (reason.isEmpty() ? "" : ": " + reason));
        this.code = Objects.requireNonNull(code, "code");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** {@return the machine-readable code; never {@code null}} */
    public String code() {
        return code;
    }

    /** {@return the server's reason, for an authorizer's refusal its own text; never {@code null}} */
    public String reason() {
        return reason;
    }
}
