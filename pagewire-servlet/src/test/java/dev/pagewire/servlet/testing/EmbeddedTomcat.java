package dev.pagewire.servlet.testing;

import dev.pagewire.Pagewire;
import dev.pagewire.servlet.PagewireFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * Tomcat 11, embedded, on a free loopback port: one root context with the application's servlet, its
 * Jakarta WebSocket layer ({@code WsSci}) unless switched off, and Pagewire installed as an
 * application would install it ({@link PagewireFilter#install}, while the context starts).
 */
public final class EmbeddedTomcat implements RunningServer {

    private final Tomcat tomcat;
    private final Path baseDir;
    private final URI uri;
    private boolean closed;

    private EmbeddedTomcat(Tomcat tomcat, Path baseDir, int port) {
        this.tomcat = tomcat;
        this.baseDir = baseDir;
        this.uri = URI.create("http://127.0.0.1:" + port + "/");
    }

    static EmbeddedTomcat start(Pagewire app, Servers.Options options) {
        Path baseDir;
        try {
            baseDir = Files.createTempDirectory("pagewire-tomcat");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(options.port());
        connector.setProperty("address", "127.0.0.1");
        if (options.writeTimeout() != null) {
            connector.setProperty(
                    "connectionTimeout", String.valueOf(options.writeTimeout().toMillis()));
        }
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", baseDir.toString());
        // Stop within 0.1 s, as Netty and Jetty do: Tomcat otherwise waits up to 2 s for requests
        // still in flight (a page's last POST, a stream the client just left), and a suite stops
        // hundreds. Not 0: Tomcat waits in 21 steps of unloadDelay / 20 ms, and wait(0) is for ever.
        ((StandardContext) context).setUnloadDelay(100);
        if (options.webSocket()) {
            context.addServletContainerInitializer(new WsSci(), null);
        }
        context.addServletContainerInitializer(
                (classes, servletContext) -> PagewireFilter.install(servletContext, app), null);
        Wrapper servlet = Tomcat.addServlet(
                context, "app", options.servlet() != null ? options.servlet() : new NotFoundServlet());
        servlet.setAsyncSupported(true);
        servlet.addMapping("/"); // Tomcat runs filters only for requests a servlet maps
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not start", e);
        }
        return new EmbeddedTomcat(tomcat, baseDir, connector.getLocalPort());
    }

    @Override
    public String name() {
        return "tomcat";
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
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not stop", e);
        }
    }
}
