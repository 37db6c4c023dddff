package dev.pagewire.bench.servers;

import dev.pagewire.Pagewire;
import dev.pagewire.servlet.PagewireFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * Pagewire on Tomcat 11, embedded: the same application as {@link PagewireBenchServer} (its
 * {@link PagewireBenchServer#routes routes}), installed with {@link PagewireFilter#install} in one
 * root context with Tomcat's Jakarta WebSocket layer, on 127.0.0.1. Tomcat keeps its defaults (NIO
 * connector, 200 request threads) except one: a keep-alive connection serves any number of requests
 * ({@code maxKeepAliveRequests=-1}; Tomcat's default closes it after 100, and a fallback's POSTs and
 * polls would then cost a new connection every 100 frames, which the load generator does not open).
 * Speaks {@link ServerControl}'s protocol on stdin and stdout.
 *
 * <p>Usage: {@code java -cp pagewire-bench-all.jar dev.pagewire.bench.servers.TomcatBenchServer [port]}
 */
public final class TomcatBenchServer {

    private TomcatBenchServer() {}

    /**
     * Starts Tomcat on 127.0.0.1 ({@code args[0]}: the port, default a free one) and serves
     * {@link ServerControl} commands.
     */
    public static void main(String[] args) throws IOException {
        int port = ServerControl.port(args);
        Pagewire app = Pagewire.create(PagewireBenchServer::settings);
        PagewireBenchServer.routes(app);
        Path baseDir = Files.createTempDirectory("pagewire-bench-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxKeepAliveRequests", "-1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", baseDir.toString());
        context.addServletContainerInitializer(new WsSci(), null);
        context.addServletContainerInitializer(
                (classes, servletContext) -> PagewireFilter.install(servletContext, app), null);
        Wrapper servlet = Tomcat.addServlet(context, "app", new NotFoundServlet());
        servlet.setAsyncSupported(true);
        servlet.addMapping("/");
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not start: " + e.getMessage(), e);
        }
        ServerControl.serve(connector.getLocalPort(), () -> {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (LifecycleException e) {
                throw new IllegalStateException("Tomcat did not stop: " + e.getMessage(), e);
            } finally {
                app.close();
                delete(baseDir);
            }
        });
    }

    /** Removes Tomcat's base directory (its work directory for the context). */
    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
