package dev.pagewire.spi;

import java.net.InetSocketAddress;
import java.util.function.BiConsumer;

/**
 * One HTTP request as a server adapter hands it to {@link Protocol#handle}, and the ways to answer it.
 * The adapter reads the whole body first, within its own request size limit (answering {@code 413}
 * itself past it). Exactly one of {@link #respond}, {@link #stream} or {@link #upgrade} is called, at
 * most once, by the protocol, possibly later and from another thread than the one that called
 * {@code handle}. The request side is immutable and may be read from any thread.
 */
public interface HttpExchange {

    /** {@return the request method in upper case, e.g. {@code "GET"}} */
    String method();

    /**
     * The request target as received, relative to the application's root: the raw (still
     * percent-encoded) path and, after {@code ?}, the raw query; e.g. {@code "/chat?pagewire=v1.…"}.
     * A servlet adapter leaves out its context path here and reports it in {@link #contextPath()}.
     *
     * @return the raw path and query
     */
    String target();

    /**
     * The path under which the application is mounted, as the browser sees it: {@code ""} at the
     * root, else e.g. {@code "/shop"}. URLs the protocol writes into pages start with it.
     *
     * @return the context path, {@code ""} by default
     */
    default String contextPath() {
        return "";
    }

    /**
     * {@return the first value of a request header, or {@code null} when there is none}
     *
     * @param name the header's name, in any case
     */
    String header(String name);

    /**
     * {@return how many times a request header occurs}
     *
     * @param name the header's name, in any case
     */
    int headerCount(String name);

    /**
     * Calls {@code action} with every request header line, name and value, in the order received (a
     * header sent twice comes twice). A cluster node passes requests on to the node that owns their
     * page with these.
     *
     * @param action called with each header's name and value
     */
    void forEachHeader(BiConsumer<String, String> action);

    /** {@return the HTTP version of the request, e.g. {@code "HTTP/1.1"}} */
    String version();

    /** {@return whether the request came over TLS to this server} */
    boolean secure();

    /** {@return the peer address of the connection (a proxy's address when behind one)} */
    InetSocketAddress remoteAddress();

    /**
     * The whole request body; empty when there is none. Never modify it. Read by the adapter before
     * {@link Protocol#handle} (within its own size limit), so this never blocks.
     *
     * @return the body's bytes; shared, read-only by contract
     */
    byte[] body();

    /**
     * Sends a complete response. The adapter adds what its HTTP layer owns ({@code Content-Length},
     * {@code Connection}, {@code Date}); a HEAD request gets the head only.
     *
     * @param response the status, headers and body to send
     * @param written runs once the response is written to the network or failed to be; may be {@code null}
     */
    void respond(HttpResponse response, Runnable written);

    /**
     * Starts a response whose body is written piece by piece for as long as the protocol wants (an SSE
     * stream). The head goes out with the first {@link ResponseStream#write}.
     *
     * @param status the status code
     * @param headers the response headers, without {@code Content-Length} or {@code Connection}
     * @return the stream to write the body to
     */
    ResponseStream stream(int status, HttpResponse.Headers headers);

    /**
     * Accepts this request's WebSocket upgrade. Called, if at all, on the thread that called
     * {@link Protocol#handle}, before that returns (containers upgrade only while they process the
     * request). The adapter completes the RFC 6455 handshake with its
     * own WebSocket layer (answering a malformed handshake itself with an HTTP error), sized by the
     * application's settings ({@code maxMessageBytes}, {@code compression}), and then, on the new
     * connection's own thread and before any of its messages are delivered, calls
     * {@link WebSocketHandler#open}. An adapter that cannot or may not upgrade answers {@code 403}
     * with a reason instead, and the client falls back to the HTTP transports.
     *
     * @param handler receives the new WebSocket connection
     */
    void upgrade(WebSocketHandler handler);

    /**
     * Runs {@code task} once if the client's connection closes before the response (or stream) ends,
     * e.g. a long-poll the browser aborted; never after the response ended, and never inside a call
     * of this exchange's methods (as {@link ResponseStream#onClosed}).
     *
     * @param task what to do when the client goes away
     */
    void onAbort(Runnable task);
}
