package dev.pagewire.netty;

import dev.pagewire.Pagewire;
import dev.pagewire.netty.internal.NettyServer;
import dev.pagewire.spi.Protocol;
import java.net.URI;
import java.util.function.Consumer;

/**
 * The embedded server: serves an application's pages, their channels (on the pages' own URLs),
 * the browser client and static files, all on one port.
 *
 * <pre>{@code
 * try (var server = PagewireServer.start(app, s -> s.port(8080))) {
 *     System.out.println("serving " + server.uri());
 *     server.awaitClose();
 * }
 * }</pre>
 *
 * <p>Thread-safe. Closing the server does not close the application: close both (the server first).
 */
public final class PagewireServer implements AutoCloseable {

    private final NettyServer server;

    private PagewireServer(NettyServer server) {
        this.server = server;
    }

    /**
     * Starts serving {@code app} with default settings (port 8080 on every interface); returns once
     * the port is bound.
     *
     * @param app the application to serve
     * @return the running server
     * @throws IllegalStateException if the port cannot be bound
     */
    public static PagewireServer start(Pagewire app) {
        return start(app, s -> {});
    }

    /**
     * Starts serving {@code app}; returns once the port is bound.
     *
     * @param app the application to serve
     * @param config changes the default {@link ServerSettings}, e.g. {@code s -> s.port(9000)}
     * @return the running server
     * @throws IllegalArgumentException if a setting is out of range (the message names it)
     * @throws IllegalStateException if the port cannot be bound, or the TLS files are not a valid
     *     PEM certificate chain and its private key (the message names the file)
     */
    public static PagewireServer start(Pagewire app, Consumer<ServerSettings.Builder> config) {
        ServerSettings.Builder builder = ServerSettings.builder();
        config.accept(builder);
        return new PagewireServer(NettyServer.start(Protocol.of(app), builder.build()));
    }

    /** {@return the bound port (the real one when the settings asked for port 0)} */
    public int port() {
        return server.port();
    }

    /**
     * {@return the base URL to open in a browser, e.g. {@code http://localhost:8080/} ({@code https:}
     * with TLS)}
     */
    public URI uri() {
        return server.uri();
    }

    /**
     * Blocks until the server is closed (by {@link #close()} from another thread or a shutdown hook).
     *
     * @throws InterruptedException if the waiting thread is interrupted; the server keeps running
     */
    public void awaitClose() throws InterruptedException {
        server.awaitClose();
    }

    /** Stops accepting connections and closes the open ones. Idempotent. */
    @Override
    public void close() {
        server.close();
    }
}
