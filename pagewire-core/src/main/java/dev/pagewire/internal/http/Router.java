package dev.pagewire.internal.http;

import dev.pagewire.Settings;
import dev.pagewire.internal.App;
import dev.pagewire.internal.Counts;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.LogGate;
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

    /** The least time between two logged refusals of an Origin. */

    /** Marks a refusal by the server's own rule (docs/PROTOCOL.md §2); its value names the rule. */
    static final String REFUSED_HEADER = "Pagewire-Refused";

    /**
     * One row of the table.
     *
     * @param name what the route is (tests, logs)
     * @param matches whether a request is this route's
     * @param checksOrigin whether a browser's {@code Origin} must be allowed first ({@link OriginPolicy})
     * @param answer answers a matching request
     * @param relay whether and where a cluster node passes such a request on (docs/CLUSTER.md)
     */
    record Route(
            String name, Predicate<Request> matches, boolean checksOrigin, Consumer<Request> answer, Relaying relay) {

        Route(String name, Predicate<Request> matches, boolean checksOrigin, Consumer<Request> answer) {
            this(name, matches, checksOrigin, answer, Relaying.NEVER);
        }
    }

    /** Whether a cluster node answers a route's requests itself or passes them on. */
    enum Relaying {
        /** Always answered here. */
        NEVER,
        /** A page's channel request: answered by the node that owns the page. */
        TO_OWNER,
        /** Makes a page: answered by another node while this one drains (it takes no new pages). */
        AWAY_WHILE_DRAINING
    }

    private final App app;
    private final OriginPolicy origins;
    private final Fallbacks fallbacks;
    private final List<Route> routes;
    private final ClientRates renders;
    private final ClientRates opens;
    /** Origin refusals at warn level once per 10 s (a hostile page can cause them at any rate). */
    private final LogGate refusalLog = new LogGate(Duration.ofSeconds(10));

    /**
     * @param pollTimeout how long a long-poll with nothing to deliver is held before it is answered empty
     */
    public Router(App app, Duration pollTimeout) {
        this.app = app;
        this.origins = new OriginPolicy(app.settings().allowedOrigins());
        Settings.ClientLimits limits = app.settings().clientLimits();
        this.renders = new ClientRates(limits.rendersPerSecond(), limits);
        this.opens = new ClientRates(limits.channelOpensPerSecond(), limits);
        Refusals refusals = new Refusals();
        this.fallbacks = new Fallbacks(app, pollTimeout, refusals);
        Documents documents = new Documents(app);
        EndpointOpens endpointOpens = new EndpointOpens(app);
        WebSockets webSockets = new WebSockets(app, refusals);
        HealthChecks healthChecks = new HealthChecks(app);
        this.routes = List.of(
                // Before the client's files, whose prefix it shares; never relayed: each node answers for itself.
                new Route("health", r -> HealthChecks.matches(r.path()), false, healthChecks::answer),
                new Route("client file", r -> r.path().startsWith(App.CLIENT_PREFIX), false, documents::clientFile),
                new Route(
                        "websocket",
                        r -> r.isWebSocketUpgrade() && isChannelRequest(r),
                        true,
                        webSockets::upgrade,
                        Relaying.TO_OWNER),
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
                        Relaying.TO_OWNER),
                new Route(
                        "endpoint",
                        r -> app.isEndpoint(r.path()),
                        true,
                        endpointOpens::open,
                        Relaying.AWAY_WHILE_DRAINING),
                new Route("page", r -> app.isPage(r.path()), false, documents::render, Relaying.AWAY_WHILE_DRAINING),
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
        HttpResponse refusal = RequestChecks.refusal(exchange, route.name().equals("websocket"));
        if (refusal != null) {
            log.debug("refused {} {}: {}", request.method(), request.path(), refusal.reason());
            exchange.respond(refusal, null);
            return true;
        }
        if (route.checksOrigin()
                && !origins.allowed(request.origin(), request.header("Host"), request.header("Sec-Fetch-Site"))) {
            refusedOrigin(request);
            app.counts().refused(Counts.ORIGIN);
            // No CORS headers: the browser reports a network error, as the same-origin policy wants.
            // Pagewire-Refused tells the page's own client (a same-origin fetch reads it) that this
            // refusal is the server's rule, not a proxy's, so that it stops instead of retrying.
            HttpResponse refused = HttpResponse.text(403, "origin not allowed: " + request.origin());
            refused.headers().set(REFUSED_HEADER, "origin");
            exchange.respond(refused, null);
            return true;
        }
        HttpResponse tooMany = overRate(route, request);
        if (tooMany != null) {
            app.counts().refused(Counts.RATE);
            exchange.respond(tooMany, null);
            return true;
        }
        if (route.relay() != Relaying.NEVER && relayed(route, request)) {
            return true;
        }
        route.answer().accept(request);
        return true;
    }

    /**
     * Passes a page's channel request on to the node that owns the page, if that is another live
     * node of the cluster, or a request that makes a page on to another node while this one drains
     * (docs/CLUSTER.md); {@code false} if this node answers it.
     */
    private boolean relayed(Route route, Request request) {
        int to;
        if (route.relay() == Relaying.TO_OWNER) {
            String pageId = app.pageIdOf(request.path(), request.param("pagewire"));
            to = pageId == null ? 0 : app.relay().ownerElsewhere(pageId);
        } else {
            to = app.isDraining() ? app.backplane().anotherLiveNode() : 0;
        }
        if (to == 0) {
            return false;
        }
        app.counts().relayForwarded();
        app.relay().forward(request.exchange(), to, route.name().equals("websocket"));
        return true;
    }

    /**
     * A {@code 429} when {@code request} renders a page or opens a channel beyond its client's rate
     * (Settings.ClientLimits), else {@code null}. A fallback's polls and POSTs (they name their
     * connection) are not opens.
     */
    private HttpResponse overRate(Route route, Request request) {
        ClientRates rates;
        String what;
        switch (route.name()) {
            case "page" -> {
                rates = renders;
                what = "page renders";
            }
            case "websocket", "endpoint" -> {
                rates = opens;
                what = "channel opens";
            }
            case "fallback" -> {
                if (request.param("conn") != null) {
                    return null;
                }
                rates = opens;
                what = "channel opens";
            }
            default -> {
                return null;
            }
        }
        if (rates.allow(request.exchange())) {
            return null;
        }
        log.debug("too many {} from {}", what, LogText.clip(rates.client(request.exchange())));
        HttpResponse refusal = HttpResponse.text(429, "too many " + what + " from this client: try again later");
        refusal.headers().set("Retry-After", "1");
        return refusal;
    }

    /**
     * Logs a refused Origin as one line naming the mismatch and the fixes, at most once per
     * {@link #refusalLog} interval; the others at debug level.
     */
    private void refusedOrigin(Request request) {
        if (refusalLog.open()) {
            log.warn(
                    "refused a channel request to {} from origin {}: not this server's origin as Host {} names it,"
                            + " Sec-Fetch-Site {}. Another site's page, or a reverse proxy that rewrites Host"
                            + " seen by a browser that sends no Sec-Fetch-Site: pass the original Host"
                            + " (nginx: proxy_set_header Host $http_host) or allow the origin"
                            + " (Settings.allowedOrigins). docs/SECURITY.md",
                    request.path(),
                    LogText.clip(request.origin()),
                    LogText.clip(request.header("Host")),
                    LogText.clip(request.header("Sec-Fetch-Site")));
        } else {
            log.debug("refused {} {} from origin {}", request.method(), request.path(), LogText.clip(request.origin()));
        }
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
     * endpoint, or carries a page token ({@code pagewire=v1.…}) at any path. A token that is not
     * genuine for its path is still Pagewire's to refuse (4401): a page your own code rendered (at a
     * path Pagewire has no route for, behind a servlet filter or the gateway) whose server restarted
     * with another secret learns so, and reloads, instead of its channel requests reaching the
     * application. Other WebSockets, and other uses of a {@code pagewire} parameter, are left to the
     * application.
     */
    private boolean isChannelRequest(Request request) {
        String path = request.path();
        String token = request.param("pagewire");
        return app.isPage(path) || app.isEndpoint(path) || (token != null && token.startsWith(TOKEN_PREFIX));
    }

    /** How every page token starts (docs/PROTOCOL.md §1). */
    private static final String TOKEN_PREFIX = "v1.";
}
