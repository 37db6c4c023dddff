package dev.pagewire.bench.servers;

import dev.pagewire.Pagewire;
import dev.pagewire.servlet.PagewireFilter;
import java.io.IOException;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Pagewire on Jetty 12.1 (ee11), embedded: the same application as {@link PagewireBenchServer} (its
 * {@link PagewireBenchServer#routes routes}), installed with {@link PagewireFilter#install} in one
 * root servlet context with Jetty's Jakarta WebSocket layer, on 127.0.0.1. Jetty keeps its defaults
 * (a {@code QueuedThreadPool} of up to 200 threads, one connector). Speaks {@link ServerControl}'s
 * protocol on stdin and stdout.
 *
 * <p>Usage: {@code java -cp pagewire-bench-all.jar dev.pagewire.bench.servers.JettyBenchServer [port]}
 */
public final class JettyBenchServer {

    private JettyBenchServer() {}

    /**
     * Starts Jetty on 127.0.0.1 ({@code args[0]}: the port, default a free one) and serves
     * {@link ServerControl} commands.
     */
    public static void main(String[] args) throws IOException {
        int port = ServerControl.port(args);
        Pagewire app = Pagewire.create(PagewireBenchServer::settings);
        PagewireBenchServer.routes(app);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        JakartaWebSocketServletContainerInitializer.configure(context, null);
        context.addServletContainerInitializer(
                (classes, servletContext) -> PagewireFilter.install(servletContext, app));
        ServletHolder servlet = new ServletHolder(new NotFoundServlet());
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, "/");
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not start: " + e.getMessage(), e);
        }
        ServerControl.serve(connector.getLocalPort(), () -> {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("Jetty did not stop: " + e.getMessage(), e);
            } finally {
                app.close();
            }
        });
    }
}
