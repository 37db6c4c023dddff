package dev.pagewire.bench.servers;

import dev.pagewire.Pagewire;
import dev.pagewire.netty.PagewireServer;
import java.io.IOException;

/**
 * The Pagewire side of the benchmarks: the page {@code /echo} answers event {@code echo} by emitting
 * its data back, joins topic {@code fan} at render, and broadcasts the data of event {@code fanout}
 * to that topic as event {@code fan}. Started by the orchestrator as its own process, on
 * 127.0.0.1; speaks {@link ServerControl}'s protocol on stdin and stdout.
 *
 * <p>Usage: {@code java -cp pagewire-bench.jar dev.pagewire.bench.servers.PagewireBenchServer [port]}
 */
public final class PagewireBenchServer {

    private PagewireBenchServer() {}

    /** Sets the bench routes up on {@code app}. */
    public static void routes(Pagewire app) {
        app.page("/echo", (request, page) -> {
            page.join("fan");
            page.on("echo", event -> page.emit("echo", event.data()));
            page.on("fanout", event -> app.topic("fan").emit("fan", event.data()));
            return BenchHtml.PAGE;
        });
    }

    /**
     * Starts the server on 127.0.0.1 ({@code args[0]}: the port, default a free one) and serves
     * {@link ServerControl} commands.
     */
    public static void main(String[] args) throws IOException {
        if (args.length > 1) {
            throw new IllegalArgumentException("unknown arguments after the port: " + String.join(" ", args)
                    + " (a cluster node needs pagewire-redis, not in this build yet)");
        }
        int port = ServerControl.port(args);
        Pagewire app = Pagewire.create();
        routes(app);
        PagewireServer server =
                PagewireServer.start(app, s -> s.host("127.0.0.1").port(port));
        ServerControl.serve(server.port(), () -> {
            server.close();
            app.close();
        });
    }
}
