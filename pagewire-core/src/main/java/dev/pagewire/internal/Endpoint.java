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
     * Runs the authorizer (blocking): {@code null} when the open is admitted, else the reason the
     * client sees.
     */
    String refusal(ChannelRequest request) {
        if (authorizer == null) {
            return null;
        }
        Access access;
        try {
            access = authorizer.authorize(request);
        } catch (Exception e) {
            log.warn("authorizer of endpoint {} failed", path, e);
            return AUTHORIZER_FAILED;
        }
        return switch (access) {
            case Access.Granted g -> null;
            case Access.Denied d -> d.reason();
            case null -> {
                log.warn("authorizer of endpoint {} returned null instead of an Access", path);
                yield AUTHORIZER_FAILED;
            }
        };
    }
}
