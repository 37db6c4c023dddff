package dev.pagewire.servlet.testing;

import java.net.URI;

/** A server started for a test, serving one application on loopback; closing stops it. */
public interface RunningServer extends AutoCloseable {

    /** Which server this is: {@code "netty"}, {@code "tomcat"} or {@code "jetty"}. */
    String name();

    /** The base URL, e.g. {@code http://127.0.0.1:40123/}. */
    URI uri();

    /** The bound port. */
    default int port() {
        return uri().getPort();
    }

    /** Stops the server (not the application). Idempotent. */
    @Override
    void close();
}
