package dev.pagewire;

/**
 * Sets up one channel of an endpoint ({@link Pagewire#endpoint(String, EndpointHandler)}): registers
 * its event and call handlers, joins topics, keeps the channel for later pushes. Called once per
 * channel opened, after the endpoint's {@link Authorizer} admitted it, on the channel's virtual
 * thread, before any event of that channel is handled; it may block.
 */
@FunctionalInterface
public interface EndpointHandler {

    /**
     * Sets up one newly opened channel.
     *
     * @param channel the channel, open and admitted; keep it to push to it later
     * @throws Exception to close the channel: the client sees code {@code error} with a generic
     *     reason; the exception is logged, never shown to the client
     */
    void open(Channel channel) throws Exception;
}
