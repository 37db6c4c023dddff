package dev.pagewire.internal.http;

import dev.pagewire.internal.App;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what each HTTP request is, from a table of routes tried in order, and hands it to the part
 * of the protocol that answers it. The Origin check of every channel request is made here, once,
 * before its route runs (docs/PROTOCOL.md §2, §12.2). Thread-safe; never blocks.
 */
public final class Router {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    /**
     * One row of the table.
     *
     * @param name what the route is (tests, logs)
     * @param matches whether a request is this route's
     * @param checksOrigin whether a browser's {@code Origin} must be allowed first ({@link OriginPolicy})
     * @param answer answers a matching request
     * @param relayed whether a request for a page that another node of the cluster owns is passed on
     *     to that node (a page's channel requests), rather than answered here
     */
    record Route(
            String name,
            Predicate<Request> matches,
            boolean checksOrigin,
            Consumer<Request> answer,
            boolean relayed) {

        Route(String name, Predicate<Request> matches, boolean checksOrigin, Consumer<Request> answer) {
            this(name, matches, checksOrigin, answer, false);
        }
    }

    private final App app;
    private final OriginPolicy origins;
    private final Fallbacks fallbacks;
    private final List<Route> routes;

    /**
     * @param pollTimeout how long a long-poll with nothing to deliver is held before it is answered empty
     */
    public Router(App app, Duration pollTimeout) {
        this.app = app;
        this.origins = new OriginPolicy(app.settings().allowedOrigins());
        this.fallbacks = new Fallbacks(app, pollTimeout);
        Documents documents = new Documents(app);
        EndpointOpens endpointOpens = new EndpointOpens(app);
        WebSockets webSockets = new WebSockets(app);
        this.routes = List.of(
                new Route("client file", r -> r.path().startsWith(App.CLIENT_PREFIX), false, documents::clientFile),
                new Route(
                        "websocket",
                        r -> r.isWebSocketUpgrade() && isChannelRequest(r),
                        true,
                        webSockets::upgrade,
                        true),
                new Route(
                        "preflight",
                        r -> r.method().equals("OPTIONS") && isChannelRequest(r),
                        true,
                        endpointOpens::preflight),
                new Route(
                        "fallback",
                        r -> r.param("pagewire") != null && isChannelRequest(r),
                        true,
                        fallbacks::handle,
                        true),
                new Route("endpoint", r -> app.isEndpoint(r.path()), true, endpointOpens::open),
                new Route("page", r -> app.isPage(r.path()), false, documents::render),
                new Route("static file", r -> r.isGet() && documents.hasStatic(r), false, documents::staticFile));
    }

    /** See {@link dev.pagewire.spi.Protocol#handle}. */
    public boolean handle(HttpExchange exchange) {
        Request request;
        try {
            request = Request.of(exchange);
        } catch (IllegalArgumentException e) {
            exchange.respond(HttpResponse.text(400, "malformed request target: " + e.getMessage()), null);
            return true;
        }
        Route route = route(request);
        if (route == null) {
            return false;
        }
        if (route.checksOrigin() && !origins.allowed(request.origin(), request.header("Host"))) {
            // No CORS headers: the browser reports a network error, as the same-origin policy wants.
            log.debug(
                    "refused {} {} from origin {} (Host {})",
                    request.method(),
                    request.path(),
                    request.origin(),
                    request.header("Host"));
            exchange.respond(HttpResponse.text(403, "origin not allowed: " + request.origin()), null);
            return true;
        }
        if (route.relayed() && relayed(route, request)) {
            return true;
        }
        route.answer().accept(request);
        return true;
    }

    /**
     * Passes a page's channel request on to the node that owns the page, if that is another live
     * node of the cluster (docs/CLUSTER.md); {@code false} if this node answers it.
     */
    private boolean relayed(Route route, Request request) {
        String pageId = app.pageIdOf(request.path(), request.param("pagewire"));
        int owner = pageId == null ? 0 : app.relay().ownerElsewhere(pageId);
        if (owner == 0) {
            return false;
        }
        app.relay().forward(request.exchange(), owner, route.name().equals("websocket"));
        return true;
    }

    /** See {@link dev.pagewire.spi.Protocol#claims}. */
    public boolean claims(HttpExchange exchange) {
        try {
            return route(Request.of(exchange)) != null;
        } catch (IllegalArgumentException e) {
            return false; // a target Pagewire cannot read is the application's to answer
        }
    }

    /** The name of the route a request takes, or {@code null} when it is not Pagewire's (tests). */
    String routeOf(HttpExchange exchange) {
        Route route = route(Request.of(exchange));
        return route == null ? null : route.name();
    }

    /** Open fallback connections (tests, diagnostics). */
    public int openFallbackConnections() {
        return fallbacks.openConnections();
    }

    private Route route(Request request) {
        for (Route route : routes) {
            if (route.matches().test(request)) {
                return route;
            }
        }
        return null;
    }

    /**
     * Whether a request is meant for a page's or an endpoint's channel: it goes to a page route or an
     * endpoint, or carries a genuine page token for its path (a page your own code rendered, at a path
     * Pagewire has no route for). Other WebSockets are left to the application.
     */
    private boolean isChannelRequest(Request request) {
        String path = request.path();
        return app.isPage(path) || app.isEndpoint(path) || app.pageIdOf(path, request.param("pagewire")) != null;
    }
}
