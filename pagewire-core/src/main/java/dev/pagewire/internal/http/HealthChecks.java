package dev.pagewire.internal.http;

import dev.pagewire.Health;
import dev.pagewire.internal.App;
import dev.pagewire.spi.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The probes of load balancers and orchestrators (docs/OPERATIONS.md, Health and readiness):
 * {@code GET /_pagewire/health/live} answers {@code 200} while the node answers at all, and
 * {@code GET /_pagewire/health/ready} {@code 200} while it takes new pages, else {@code 503} with the
 * reason ({@link App#health()}): draining, cut off from its cluster, closed. Core's answer on every
 * server; never relayed to another node, never cached. Stateless; never blocks.
 */
final class HealthChecks {

    static final String LIVE = App.CLIENT_PREFIX + "health/live";
    static final String READY = App.CLIENT_PREFIX + "health/ready";

    private final App app;

    HealthChecks(App app) {
        this.app = app;
    }

    static boolean matches(String path) {
        return path.equals(LIVE) || path.equals(READY);
    }

    void answer(Request request) {
        if (!request.isGet() && !request.method().equals("HEAD")) {
            respond(request, 405, "a health check is a GET");
            return;
        }
        if (request.path().equals(LIVE)) {
            respond(request, 200, "live");
            return;
        }
        Health health = app.health();
        respond(request, health.ready() ? 200 : 503, health.reason());
    }

    private static void respond(Request request, int status, String text) {
        HttpResponse.Headers headers = new HttpResponse.Headers()
                .set("Content-Type", "text/plain; charset=utf-8")
                .set("Cache-Control", "no-store")
                .set("X-Content-Type-Options", "nosniff");
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        request.exchange().respond(new HttpResponse(status, null, headers, body), null);
    }
}
