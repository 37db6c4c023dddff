package dev.pagewire;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** The HTTP request that renders a page. Immutable. */
public interface PageRequest {

    /** The request path, without the query string, e.g. {@code "/chat"}. */
    String path();

    /** The first value of a query parameter, or {@code null}. */
    String query(String name);

    /** All query parameters, in request order. */
    Map<String, List<String>> queryParams();

    /** The first value of a header (case-insensitive name), or {@code null}. */
    String header(String name);

    /** The peer address of the connection (a proxy's address when behind one). */
    InetSocketAddress remoteAddress();

    /**
     * The path the application is mounted under as the browser sees it ({@code ""} at the root, else
     * e.g. {@code "/shop"} in a Servlet context); {@link #path()} is relative to it.
     */
    default String contextPath() {
        return "";
    }
}
