package dev.pagewire.internal.http;

import dev.pagewire.DashboardAccess;
import dev.pagewire.PageRequest;
import dev.pagewire.Settings;
import dev.pagewire.internal.App;
import dev.pagewire.internal.Rendered;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.LogGate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests that fetch documents rather than carry a channel: the client's files, page renders and
 * static files. Rendering and file reads block, so they run on virtual threads.
 */
final class Documents {

    private static final Logger log = LoggerFactory.getLogger(Documents.class);
    /** Any client can ask for an unreadable file as often as it likes: a warning once a minute. */
    private static final LogGate UNREADABLE = new LogGate(Duration.ofMinutes(1));
    /** Anyone can be refused the dashboard as often as they like: INFO once a minute, else DEBUG. */
    private static final LogGate DASHBOARD_REFUSALS = new LogGate(Duration.ofMinutes(1));

    private final App app;
    private final StaticAnswers statics;

    Documents(App app) {
        this.app = app;
        Settings.StaticFileLimits limits = app.settings().staticFileLimits();
        this.statics = new StaticAnswers(
                new StaticCache(limits.cacheBytes(), limits.maxCachedFileBytes()), limits.maxFileBytes());
    }

    /** {@code GET /_pagewire/<name>}: a file of the browser client ({@link ClientFiles} says how each is served). */
    void clientFile(Request request) {
        String name = request.path().substring(App.CLIENT_PREFIX.length());
        HttpResponse file = request.isGet() ? app.clientFiles().answer(name, request::header) : null;
        request.exchange().respond(file != null ? file : HttpResponse.text(404, "not found"), null);
    }

    /** A request to a page route: a GET renders a new page. */
    void render(Request request) {
        if (!request.isGet()) {
            request.exchange().respond(HttpResponse.text(405, "a page accepts GET (and its channel requests)"), null);
            return;
        }
        PageRequest pageRequest = new RenderRequest(
                request.path(),
                request.query(),
                request.exchange()::header,
                request.exchange().remoteAddress(),
                request.exchange().contextPath());
        DashboardAccess access = app.dashboardAccess(request.path());
        if (access != null && !access.admits(pageRequest)) {
            refuseDashboard(request, pageRequest, access);
            return;
        }
        app.blockingWork().execute(() -> {
            Rendered rendered = app.render(pageRequest);
            String type = rendered.status() == 200 ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
            request.exchange()
                    .respond(
                            file(rendered.status(), type, rendered.html().getBytes(StandardCharsets.UTF_8), "no-store"),
                            null);
        });
    }

    /**
     * Refuses a dashboard view that its access rule does not admit: {@code 401} asking for the
     * password when it has one, else {@code 403}; one INFO line a minute says why (never what the
     * browser sent).
     */
    private static void refuseDashboard(Request request, PageRequest pageRequest, DashboardAccess access) {
        boolean forwarded = pageRequest.header("Forwarded") != null || pageRequest.header("X-Forwarded-For") != null;
        String why = access.hasPassword()
                ? (pageRequest.header("Authorization") == null ? "no password sent" : "wrong password")
                : forwarded
                        ? "it came through a proxy, and only a password admits through one"
                        : "its address is not one the dashboard allows";
        InetSocketAddress peer = pageRequest.remoteAddress();
        String line = "refused the dashboard at " + LogText.clip(request.path()) + " to "
                + (peer == null || peer.getAddress() == null
                        ? "?"
                        : peer.getAddress().getHostAddress()) + ": " + why;
        if (DASHBOARD_REFUSALS.open()) {
            log.info(line);
        } else {
            log.debug(line);
        }
        HttpResponse refused;
        if (access.hasPassword()) {
            refused = HttpResponse.text(401, "the Pagewire dashboard needs its password");
            refused.headers().set("WWW-Authenticate", "Basic realm=\"Pagewire dashboard\", charset=\"UTF-8\"");
        } else {
            refused = HttpResponse.text(403, "the Pagewire dashboard is not open to this address: " + why);
        }
        request.exchange().respond(refused, null);
    }

    /** Whether a static root has a file at the request's path (a look, no read). */
    boolean hasStatic(Request request) {
        return !app.staticRoots().isEmpty() && StaticFiles.find(app.staticRoots(), request.path()) != null;
    }

    /** A GET or HEAD of a static file that {@link #hasStatic} found. */
    void staticFile(Request request) {
        app.blockingWork().execute(() -> {
            StaticFile found = StaticFiles.find(app.staticRoots(), request.path());
            HttpResponse response;
            if (found == null) {
                response = HttpResponse.text(404, "not found");
            } else {
                try {
                    response = statics.answer(request, found);
                    if (response.status() == 500) {
                        warn(
                                "static file {} is larger than Settings.staticFileLimits().maxFileBytes ({} bytes):"
                                        + " answered 500; serve it from a proxy or a CDN, or raise the limit",
                                request,
                                app.settings().staticFileLimits().maxFileBytes());
                    }
                } catch (IOException | RuntimeException e) {
                    warn("cannot read static file {}: {}", request, e.toString());
                    response = HttpResponse.text(404, "not found");
                }
            }
            request.exchange().respond(response, null);
        });
    }

    /** Any client can ask for a file that fails as often as it likes: a warning once a minute. */
    private static void warn(String format, Request request, Object detail) {
        if (UNREADABLE.open()) {
            log.warn(format, LogText.clip(request.path()), detail);
        } else {
            log.debug(format, LogText.clip(request.path()), detail);
        }
    }

    private static HttpResponse file(int status, String contentType, byte[] body, String cacheControl) {
        return new HttpResponse(
                status,
                null,
                new HttpResponse.Headers()
                        .set("Content-Type", contentType)
                        .set("Cache-Control", cacheControl)
                        .set("X-Content-Type-Options", "nosniff"),
                body);
    }

    /** The request a page handler sees; copied out of the exchange's request side, which is immutable. */
    private record RenderRequest(
            String path,
            Map<String, List<String>> queryParams,
            Function<String, String> headers,
            InetSocketAddress remoteAddress,
            String contextPath)
            implements PageRequest {

        @Override
        public String query(String name) {
            List<String> values = queryParams.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        @Override
        public String header(String name) {
            return headers.apply(name);
        }
    }
}
