package dev.pagewire;

/**
 * Decides whether a channel to an endpoint may open (docs/PROTOCOL.md §12). Runs on a virtual thread
 * before the endpoint's handler, once per open, and may block (a database lookup, a call to an
 * identity service).
 */
@FunctionalInterface
public interface Authorizer {

    /**
     * Decides on one request to open a channel.
     *
     * @param request the endpoint, the client's parameters, its origin and, on a page's connection,
     *     the page; never {@code null}
     * @return {@link Access#grant()} to open the channel, or {@link Access#deny(String)} with the
     *     reason the client sees (the browser's channel goes to state {@code refused} with it)
     * @throws Exception to refuse with a generic reason; the exception is logged, never shown
     */
    Access authorize(ChannelRequest request) throws Exception;
}
