package dev.pagewire.servlet.testing;

import dev.pagewire.Pagewire;
import dev.pagewire.netty.PagewireServer;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.time.Duration;

/**
 * The servers Pagewire runs on, each able to serve an application for a test: the embedded Netty
 * server, and the Servlet adapter in embedded Tomcat 11 and Jetty 12.1. Suites take a {@code Servers}
 * parameter to prove each guarantee on every server.
 */
public enum Servers {
    NETTY {
        @Override
        public RunningServer start(Pagewire app, Options options) {
            PagewireServer server = PagewireServer.start(app, s -> {
                s.host("127.0.0.1").port(options.port()).webSocket(options.webSocket());
                if (options.requestHeadTimeout() != null) {
                    s.requestHeadTimeout(options.requestHeadTimeout());
                }
            });
            return new RunningServer() {
                @Override
                public String name() {
                    return "netty";
                }

                @Override
                public URI uri() {
                    return URI.create("http://127.0.0.1:" + server.port() + "/");
                }

                @Override
                public void close() {
                    server.close();
                }
            };
        }
    },

    TOMCAT {
        @Override
        public RunningServer start(Pagewire app, Options options) {
            return EmbeddedTomcat.start(app, options);
        }
    },

    JETTY {
        @Override
        public RunningServer start(Pagewire app, Options options) {
            return EmbeddedJetty.start(app, options);
        }
    };

    /**
     * How to start a server.
     *
     * @param webSocket whether WebSocket upgrades are possible (off: as a network that breaks them)
     * @param servlet the application's own servlet for every path Pagewire does not take, or
     *     {@code null} for one that answers 404 (ignored by Netty, which has no application of its own)
     * @param port the port to bind; 0 picks a free one
     * @param requestHeadTimeout how long a client may take to send a request's head, or {@code null}
     *     for the server's default. Netty's {@code ServerSettings.requestHeadTimeout}; Tomcat and
     *     Jetty have no such deadline (their timeouts restart with every byte read) and ignore it
     * @param writeTimeout how long a container lets a write to a client wait before it closes the
     *     connection (Tomcat's {@code connectionTimeout}, Jetty's connector {@code idleTimeout}, which
     *     also bound idle keep-alive connections), or {@code null} for the container's default;
     *     ignored by Netty, which closes a shed connection at once
     */
    public record Options(
            boolean webSocket, HttpServlet servlet, int port, Duration requestHeadTimeout, Duration writeTimeout) {

        public static Options defaults() {
            return new Options(true, null, 0, null, null);
        }

        public Options withWebSocket(boolean on) {
            return new Options(on, servlet, port, requestHeadTimeout, writeTimeout);
        }

        public Options withServlet(HttpServlet s) {
            return new Options(webSocket, s, port, requestHeadTimeout, writeTimeout);
        }

        /** The same port again (a server restarted on the origin a browser already knows). */
        public Options withPort(int p) {
            return new Options(webSocket, servlet, p, requestHeadTimeout, writeTimeout);
        }

        /** A deadline for a request's head (a short one for tests of slow clients). */
        public Options withRequestHeadTimeout(Duration timeout) {
            return new Options(webSocket, servlet, port, timeout, writeTimeout);
        }

        /** A short write timeout for the containers (tests of clients that stop reading). */
        public Options withWriteTimeout(Duration timeout) {
            return new Options(webSocket, servlet, port, requestHeadTimeout, timeout);
        }
    }

    /** Starts serving {@code app} on a free loopback port with the default options. */
    public RunningServer start(Pagewire app) {
        return start(app, Options.defaults());
    }

    /** Starts serving {@code app} on a free loopback port. */
    public abstract RunningServer start(Pagewire app, Options options);

    /** The name in lower case, as test names show it. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
