package dev.pagewire.spi;

import dev.pagewire.PageRequest;
import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.internal.App;
import java.util.List;

/**
 * What a transport adapter needs of an application: rendering, origin policy, attaching connections
 * to pages, static roots and the client script. Thread-safe.
 */
public interface Gateway {

    /** The gateway of an application created by {@link Pagewire#create}. */
    static Gateway of(Pagewire app) {
        if (app instanceof App a) {
            return a;
        }
        throw new IllegalArgumentException("not a Pagewire application: " + app);
    }

    /** The application's settings. */
    Settings settings();

    /** Whether {@code path} is a page route (a GET renders it). */
    boolean isPage(String path);

    /** Whether {@code path} is an endpoint (docs/PROTOCOL.md §12). */
    boolean isEndpoint(String path);

    /**
     * Whether channel requests may go to {@code path}: a page route, or an endpoint (whose
     * connections carry tokens of pages without HTML, docs/PROTOCOL.md §12.2).
     */
    default boolean isChannelPath(String path) {
        return isPage(path) || isEndpoint(path);
    }

    /**
     * Opens an endpoint connection (docs/PROTOCOL.md §12.2): reads the JSON body
     * {@code {"params": …}}, runs the endpoint's authorizer, creates a page without HTML whose own
     * channel the endpoint's handler sets up, and answers its token and client configuration.
     * Blocks while the authorizer and handler run: call it on a virtual thread. The caller has
     * checked the Origin.
     *
     * @param origin the request's {@code Origin} header, or {@code null}
     */
    Answer openEndpoint(String path, String body, String origin);

    /**
     * Renders a page route: creates the Page, runs the route handler and injects the client. Blocks
     * while the handler runs: call it on a virtual thread, never on an I/O thread.
     */
    Rendered render(PageRequest request);

    /**
     * Whether a channel request with this {@code Origin} header may proceed.
     *
     * @param origin the Origin header, or {@code null} when absent (not a browser)
     * @param host the request's {@code Host} header as it reached the server, e.g.
     *     {@code "chat.example.com"} or {@code "localhost:8080"}: the Origin must name the same
     *     host and port (the scheme is not compared, since TLS often ends at a proxy in front)
     */
    boolean originAllowed(String origin, String host);

    /**
     * Attaches a new connection to the page named by {@code token} and resumes the page's channel
     * from the client's ack (docs/PROTOCOL.md §10.3). On acceptance the page sends, through the
     * connection and before this method returns, its {@code hello} frame, then {@code missed} if
     * data was lost, then every kept data frame above the client's ack. Never blocks.
     *
     * @param token the {@code pagewire} query parameter, or {@code null} when absent
     * @param ack the {@code ack} query parameter as received, or {@code null} when absent (same as
     *     {@code "0"}); one that is not a non-negative integer, or above the last data frame the
     *     page sent, is refused with {@code 4400}
     */
    Attachment attach(String path, String token, String ack, Connection connection);

    /**
     * The page that {@code token} names is leaving for good, as if it had sent {@code ["bye"]} on
     * a connection: a tab that closes on a fallback sends its bye in a beacon, which may arrive
     * after its stream already ended (docs/PROTOCOL.md §8.5).
     *
     * @return whether the token named a live page (which is now closed)
     */
    boolean leave(String path, String token);

    /**
     * The id of the page that {@code token} names, if the token is genuine and was issued for
     * {@code path}; else {@code null}. Fallback transports check it on every request of a
     * connection (docs/PROTOCOL.md §8), so a connection id alone never grants a page's channel.
     */
    String pageIdOf(String path, String token);

    /** The static roots, in registration order. */
    List<StaticRoot> staticRoots();

    /** The URL prefix of the client's files, {@code "/_pagewire/"}. */
    String clientPrefix();

    /**
     * A client file by name (e.g. {@code "client.js"}), or {@code null} if there is none.
     */
    byte[] clientFile(String name);
}
