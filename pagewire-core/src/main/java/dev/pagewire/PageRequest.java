package dev.pagewire;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** The HTTP request that renders a page. Immutable. */
public interface PageRequest {

    /** {@return the request path, without the query string, e.g. {@code "/chat"}} */
    String path();

    /**
     * {@return the first value of a query parameter, or {@code null} when the query has none}
     *
     * @param name the parameter's name
     */
    String query(String name);

    /** {@return all query parameters, in request order, each with its values} */
    Map<String, List<String>> queryParams();

    /**
     * {@return the first value of a request header, or {@code null} when the request has none}
     *
     * @param name the header's name, in any case
     */
    String header(String name);

    /** {@return the peer address of the connection (a proxy's address when behind one)} */
    InetSocketAddress remoteAddress();

    /**
     * The path the application is mounted under as the browser sees it; {@link #path()} is relative
     * to it.
     *
     * @return {@code ""} at the root, else e.g. {@code "/shop"} in a Servlet context
     */
    default String contextPath() {
        return "";
    }
}
