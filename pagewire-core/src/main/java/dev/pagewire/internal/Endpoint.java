package dev.pagewire.internal;

import dev.pagewire.Access;
import dev.pagewire.Authorizer;
import dev.pagewire.ChannelRequest;
import dev.pagewire.EndpointHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A registered endpoint (docs/PROTOCOL.md §12): its path, its authorizer (or none) and its handler. */
record Endpoint(String path, Authorizer authorizer, EndpointHandler handler) {

    private static final Logger log = LoggerFactory.getLogger(Endpoint.class);

    /** The refusal reason of an authorizer that threw: what went wrong stays in the server log. */
    static final String AUTHORIZER_FAILED = "the endpoint could not authorize this channel";

    /**
     * What the authorizer decided about one open.
     *
     * @param refusal the reason the client sees, or {@code null} when admitted
     * @param setUp the handler that sets the admitted channel up; {@code null} when refused
     */
    record Admission(String refusal, EndpointHandler setUp) {

        static Admission refused(String reason) {
            return new Admission(reason, null);
        }
    }

    /** Runs the authorizer (blocking). */
    Admission admit(ChannelRequest request) {
        if (authorizer == null) {
            return new Admission(null, handler);
        }
        Access access;
        try {
            access = authorizer.authorize(request);
        } catch (Exception e) {
            log.warn("authorizer of endpoint {} failed", path, e);
            return Admission.refused(AUTHORIZER_FAILED);
        }
        return switch (access) {
            case Access.Granted g -> new Admission(null, handler);
            case Access.GrantedWith g -> new Admission(null, g.setUp());
            case Access.Denied d -> Admission.refused(d.reason());
            case null -> {
                log.warn("authorizer of endpoint {} returned null instead of an Access", path);
                yield Admission.refused(AUTHORIZER_FAILED);
            }
        };
    }
}
