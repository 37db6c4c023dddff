package dev.pagewire.bench.servers;

import dev.pagewire.Pagewire;
import dev.pagewire.metrics.PagewireMetrics;
import dev.pagewire.netty.PagewireServer;
import dev.pagewire.redis.RedisBackplane;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;

/**
 * The Pagewire side of the benchmarks: the page {@code /echo} answers event {@code echo} by emitting
 * its data back, joins topic {@code fan} at render, and broadcasts the data of event {@code fanout}
 * to that topic as event {@code fan}; the page {@code /pageload} is the page-load scenario's
 * ({@link BenchHtml#PAGELOAD}). Started by the orchestrator as its own process, on
 * 127.0.0.1; speaks {@link ServerControl}'s protocol on stdin and stdout.
 *
 * <p>Usage: {@code java -cp pagewire-bench-all.jar dev.pagewire.bench.servers.PagewireBenchServer [port [--redis URI |
 * --metrics]]}
 */
public final class PagewireBenchServer {

    private PagewireBenchServer() {}

    private static final String USAGE = "usage: PagewireBenchServer [port [--redis URI | --metrics]]";

    /** The Redis of {@code --redis URI} after the port, or null for a server of its own. */
    static String redisUri(String[] args) {
        if (args.length <= 1 || metrics(args)) {
            return null;
        }
        if (args.length != 3 || !args[1].equals("--redis")) {
            throw new IllegalArgumentException(USAGE + ", got " + String.join(" ", args));
        }
        return args[2];
    }

    /** Whether {@code --metrics} follows the port: the meters bound, as the bench's pagewire-metrics. */
    static boolean metrics(String[] args) {
        if (args.length == 2 && args[1].equals("--metrics")) {
            return true;
        }
        if (args.length == 2) {
            throw new IllegalArgumentException(USAGE + ", got " + String.join(" ", args));
        }
        return false;
    }

    /**
     * Binds {@code app}'s meters into a Prometheus registry and scrapes it every 10 s, as a Prometheus
     * server would ask: what an application that watches Pagewire pays (docs/OPERATIONS.md).
     */
    static void bindMetrics(Pagewire app) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new PagewireMetrics(app).bindTo(registry);
        Thread.ofPlatform().daemon().name("bench-scraper").start(() -> {
            try {
                while (true) {
                    Thread.sleep(10_000); // Prometheus's scrape interval, not a synchronisation
                    registry.scrape();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * The bench's settings: the defaults, but per-client rates that one load generator standing in
     * for thousands of users does not reach (docs/SECURITY.md; the rest as a user gets them).
     */
    public static void settings(dev.pagewire.Settings.Builder s) {
        s.clientLimits(new dev.pagewire.Settings.ClientLimits(1_000_000, 1_000_000, 1_000_000, null));
    }

    /** Sets the bench routes up on {@code app}. */
    public static void routes(Pagewire app) {
        app.page("/echo", (request, page) -> {
            page.join("fan");
            page.on("echo", event -> page.emit("echo", event.data()));
            page.on("fanout", event -> app.topic("fan").emit("fan", event.data()));
            return BenchHtml.PAGE;
        });
        app.page("/pageload", (request, page) -> BenchHtml.PAGELOAD);
    }

    /**
     * Starts the server on 127.0.0.1 ({@code args[0]}: the port, default a free one) and serves
     * {@link ServerControl} commands. With {@code --redis URI} after the port, the application is a
     * node of the cluster on that Redis ({@code RedisBackplane}, every setting at its default but the per-client rates, see {@link #settings}): the
     * bench's cluster scenario starts three.
     */
    public static void main(String[] args) throws IOException {
        int port = ServerControl.port(args);
        String redis = redisUri(args);
        Pagewire app = redis == null
                ? Pagewire.create(PagewireBenchServer::settings)
                : Pagewire.create(RedisBackplane.connect(redis), PagewireBenchServer::settings);
        routes(app);
        if (metrics(args)) {
            bindMetrics(app);
        }
        PagewireServer server =
                PagewireServer.start(app, s -> s.host("127.0.0.1").port(port));
        ServerControl.serve(server.port(), () -> {
            server.close();
            app.close();
        });
    }
}
