package dev.pagewire;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** An {@link Authorizer}'s answer: the channel opens, or it is refused with a reason. */
public sealed interface Access {

    /** Longest reason, in UTF-8 bytes: it must fit a close reason (docs/PROTOCOL.md §5). */
    int MAX_REASON_BYTES = 123;

    /**
     * The channel may open, and the endpoint's handler sets it up.
     *
     * @return the answer that admits the channel
     */
    static Access grant() {
        return Granted.INSTANCE;
    }

    /**
     * The channel may open, and {@code setUp} sets it up instead of the endpoint's own handler: an
     * authorizer that learned something while deciding (an answer from a service it asked) hands it
     * to the channel this way. {@code setUp} runs as the endpoint's handler would.
     *
     * @param setUp sets the admitted channel up, instead of the endpoint's handler; never {@code null}
     * @return the answer that admits the channel and names its set-up
     */
    static Access grant(EndpointHandler setUp) {
        return new GrantedWith(Objects.requireNonNull(setUp, "setUp"));
    }

    /**
     * The channel is refused; the client sees {@code reason}.
     *
     * @param reason why, as the client sees it: 1 to 123 UTF-8 bytes
     * @return the answer that refuses the channel
     * @throws IllegalArgumentException if the reason is empty or longer than 123 UTF-8 bytes
     */
    static Access deny(String reason) {
        return new Denied(reason);
    }

    /** See {@link #grant()}. */
    enum Granted implements Access {
        /** The only grant without a set-up of its own. */
        INSTANCE
    }

    /**
     * See {@link #grant(EndpointHandler)}.
     *
     * @param setUp sets the admitted channel up, instead of the endpoint's handler
     */
    record GrantedWith(EndpointHandler setUp) implements Access {
        /**
         * Checks the set-up.
         *
         * @throws NullPointerException if {@code setUp} is {@code null}
         */
        public GrantedWith {
            Objects.requireNonNull(setUp, "setUp");
        }
    }

    /**
     * See {@link #deny(String)}.
     *
     * @param reason why the channel was refused, as the client sees it
     */
    record Denied(String reason) implements Access {
        /**
         * Checks the reason.
         *
         * @throws IllegalArgumentException if it is empty or longer than {@link #MAX_REASON_BYTES}
         *     UTF-8 bytes
         */
        public Denied {
            Objects.requireNonNull(reason, "reason");
            int bytes = reason.getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0 || bytes > MAX_REASON_BYTES) {
                throw new IllegalArgumentException(
                        "a refusal reason must be 1 to " + MAX_REASON_BYTES + " bytes of UTF-8, got " + bytes);
            }
        }
    }
}
