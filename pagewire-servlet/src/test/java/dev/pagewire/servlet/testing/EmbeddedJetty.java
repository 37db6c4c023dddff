package dev.pagewire.servlet.testing;

import dev.pagewire.Pagewire;
import dev.pagewire.servlet.PagewireFilter;
import jakarta.servlet.ServletContainerInitializer;
import java.net.URI;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Jetty 12.1 (ee11), embedded, on a free loopback port: one root servlet context with the
 * application's servlet, its Jakarta WebSocket layer unless switched off, and Pagewire installed as
 * an application would install it ({@link PagewireFilter#install}, while the context starts).
 */
public final class EmbeddedJetty implements RunningServer {

    private final Server server;
    private final URI uri;
    private boolean closed;

    private EmbeddedJetty(Server server, int port) {
        this.server = server;
        this.uri = URI.create("http://127.0.0.1:" + port + "/");
    }

    static EmbeddedJetty start(Pagewire app, Servers.Options options) {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(options.port());
        if (options.writeTimeout() != null) {
            connector.setIdleTimeout(options.writeTimeout().toMillis());
        }
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        if (options.webSocket()) {
            JakartaWebSocketServletContainerInitializer.configure(context, null);
        }
        ServletContainerInitializer install = (classes, servletContext) -> PagewireFilter.install(servletContext, app);
        context.addServletContainerInitializer(install);
        ServletHolder holder = new ServletHolder(options.servlet() != null ? options.servlet() : new NotFoundServlet());
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/");
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not start", e);
        }
        return new EmbeddedJetty(server, connector.getLocalPort());
    }

    @Override
    public String name() {
        return "jetty";
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        }
    }
}
