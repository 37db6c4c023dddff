package dev.pagewire.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagewire.Authorizer;
import dev.pagewire.ChannelRequest;
import dev.pagewire.DashboardAccess;
import dev.pagewire.EndpointHandler;
import dev.pagewire.Health;
import dev.pagewire.Page;
import dev.pagewire.PageHandler;
import dev.pagewire.PageRef;
import dev.pagewire.PageRequest;
import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.Topic;
import dev.pagewire.backplane.Backplane;
import dev.pagewire.backplane.InMemoryBackplane;
import dev.pagewire.internal.cluster.Relay;
import dev.pagewire.internal.dashboard.Dashboard;
import dev.pagewire.internal.http.ClientFiles;
import dev.pagewire.internal.http.HtmlInjector;
import dev.pagewire.internal.http.Router;
import dev.pagewire.internal.protocol.FrameCodec;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.Connection;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application behind {@link Pagewire}, and its {@link Protocol} that server adapters hand requests
 * to: routes, the page registry, topics, tokens, and the timer that drives heartbeats and expiry.
 */
public final class App implements Pagewire, Protocol {

    private static final Logger log = LoggerFactory.getLogger(App.class);
    /** The URL prefix of the browser client's files. */
    public static final String CLIENT_PREFIX = "/_pagewire/";

    private final Settings settings;
    private final Map<String, PageHandler> routes = new ConcurrentHashMap<>();
    /** The dashboard and its path, once {@link #dashboard} was called. */
    private volatile Dashboard dashboard;

    private volatile String dashboardPath;
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    /** Takes a page's channels to paths without an endpoint of their own ({@link #anyEndpoint}); or null. */
    private volatile Endpoint anyEndpoint;

    private final List<StaticRoot> staticRoots = new CopyOnWriteArrayList<>();
    private final Pages pages = new Pages();
    /** What the protocol counted, for metrics (docs/OPERATIONS.md). */
    private final Counts counts = new Counts();

    private final PageIds pageIds = new PageIds();
    private final Topics topics;
    private final FrameCodec codec;
    private final PageTokens tokens;
    private final Backplane backplane;
    private final ClusterNode clusterNode;
    private final Relay relay;
    /** This node's number in the cluster; {@code 0} when the application runs alone. */
    private volatile int node;

    private volatile boolean draining;
    private volatile boolean closed;
    /** The client's configuration, injected with every page (docs/PROTOCOL.md §9). */
    private final ObjectNode clientConfigJson;

    private final String clientConfig;
    private final VirtualThreads executor = new VirtualThreads("pagewire-page");
    /** Renders, endpoint opens and file reads: work for a request that may block. */
    private final VirtualThreads blockingWork = new VirtualThreads("pagewire-request");

    private final ScheduledThreadPoolExecutor timer = newTimer();
    /** The browser client's files; rendered pages load its bundle. */
    private final ClientFiles clientFiles = new ClientFiles();

    private final Router router;

    /** One thread for every page: ticks, delayed acks, call timeouts (cancelled ones leave at once). */
    private static ScheduledThreadPoolExecutor newTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pagewire-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** An application that runs alone. */
    public App(Settings settings) {
        this(settings, new InMemoryBackplane());
    }

    /**
     * An application that is one node of the cluster {@code backplane} joins; blocks until it has
     * joined.
     */
    public App(Settings settings, Backplane backplane) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.backplane = Objects.requireNonNull(backplane, "backplane");
        this.codec = new FrameCodec(settings.maxJsonDepth(), settings.maxMessageBytes());
        this.topics = new Topics(this);
        this.clusterNode = new ClusterNode(this);
        this.relay = new Relay(this);
        this.node = backplane.join(clusterNode);
        byte[] shared = backplane.sharedSecret();
        this.tokens = new PageTokens(shared != null ? shared : settings.secret(), Clock.systemUTC());
        this.clientConfigJson = Json.mapper()
                .createObjectNode()
                .put("connectTimeout", settings.connectTimeout().toMillis())
                .put("upgradeAfter", settings.upgradeAfter().toMillis())
                .put("reloadOnExpired", settings.reloadOnExpired());
        this.clientConfig = clientConfigJson.toString();
        long tick = tickMillis(settings);
        timer.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        this.router = new Router(this, settings.pollTimeout());
    }

    /** Often enough to honour the shortest timing setting within a quarter of it, at most 1 s. */
    private static long tickMillis(Settings s) {
        Duration shortest = s.heartbeatInterval();
        for (Duration d : List.of(s.idleTimeout(), s.closeGracePeriod(), s.tokenTtl())) {
            if (d.compareTo(shortest) < 0) {
                shortest = d;
            }
        }
        return Math.max(10, Math.min(1000, shortest.toMillis() / 4));
    }

    // ---- Pagewire

    @Override
    public Pagewire page(String path, PageHandler handler) {
        Objects.requireNonNull(handler, "handler");
        checkPath(path);
        if (path.startsWith(CLIENT_PREFIX)) {
            throw new IllegalArgumentException("paths below " + CLIENT_PREFIX + " are reserved: " + path);
        }
        if (endpoints.containsKey(path) || routes.putIfAbsent(path, handler) != null) {
            throw new IllegalArgumentException("a page or endpoint is registered at " + path + " already");
        }
        return this;
    }

    @Override
    public synchronized Pagewire dashboard(String path, DashboardAccess access) {
        Objects.requireNonNull(access, "access");
        if (dashboard != null) {
            throw new IllegalStateException("a dashboard is served at " + dashboardPath + " already");
        }
        Dashboard d = new Dashboard(this, access);
        page(path, d);
        dashboardPath = path;
        dashboard = d;
        d.start();
        return this;
    }

    @Override
    public Pagewire endpoint(String path, EndpointHandler handler) {
        return register(new Endpoint(path, null, Objects.requireNonNull(handler, "handler")));
    }

    @Override
    public Pagewire endpoint(String path, Authorizer authorizer, EndpointHandler handler) {
        return register(new Endpoint(
                path, Objects.requireNonNull(authorizer, "authorizer"), Objects.requireNonNull(handler, "handler")));
    }

    @Override
    public Pagewire anyEndpoint(Authorizer authorizer, EndpointHandler handler) {
        Endpoint endpoint = new Endpoint(
                "*", Objects.requireNonNull(authorizer, "authorizer"), Objects.requireNonNull(handler, "handler"));
        synchronized (endpoints) {
            if (anyEndpoint != null) {
                throw new IllegalStateException("anyEndpoint is set already");
            }
            anyEndpoint = endpoint;
        }
        return this;
    }

    private Pagewire register(Endpoint endpoint) {
        String path = endpoint.path();
        checkPath(path);
        if (path.startsWith(CLIENT_PREFIX)) {
            throw new IllegalArgumentException("paths below " + CLIENT_PREFIX + " are reserved: " + path);
        }
        if (routes.containsKey(path) || endpoints.putIfAbsent(path, endpoint) != null) {
            throw new IllegalArgumentException("a page or endpoint is registered at " + path + " already");
        }
        return this;
    }

    @Override
    public Pagewire staticFiles(String urlPrefix, Path directory) {
        return staticFiles(urlPrefix, directory, StaticRoot.DEFAULT_CACHE_CONTROL);
    }

    @Override
    public Pagewire staticFiles(String urlPrefix, Path directory, String cacheControl) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("not a directory: " + directory.toAbsolutePath());
        }
        staticRoots.add(new StaticRoot(
                prefix(urlPrefix), directory.toAbsolutePath().normalize(), null, checkCacheControl(cacheControl)));
        return this;
    }

    @Override
    public Pagewire staticResources(String urlPrefix, String classpathRoot) {
        return staticResources(urlPrefix, classpathRoot, StaticRoot.DEFAULT_CACHE_CONTROL);
    }

    @Override
    public Pagewire staticResources(String urlPrefix, String classpathRoot, String cacheControl) {
        String root = classpathRoot.replaceAll("^/+|/+$", "");
        staticRoots.add(new StaticRoot(prefix(urlPrefix), null, root, checkCacheControl(cacheControl)));
        return this;
    }

    /** A header value that cannot end the header or add another one. */
    private static String checkCacheControl(String cacheControl) {
        if (cacheControl == null || cacheControl.isBlank() || cacheControl.matches("(?s).*[\\r\\n\\x00].*")) {
            throw new IllegalArgumentException("cacheControl must be a header value on one line, got: " + cacheControl);
        }
        return cacheControl.strip();
    }

    @Override
    public Page newPage(String path) {
        checkPath(path);
        if (path.startsWith(CLIENT_PREFIX)) {
            throw new IllegalArgumentException("paths below " + CLIENT_PREFIX + " are reserved: " + path);
        }
        LivePage page = new LivePage(this, pageIds.newId(node), path);
        pages.add(page);
        counts.pagesCreated[0].increment();
        return page;
    }

    @Override
    public String clientScript(Page page) {
        return clientScript(page, "");
    }

    @Override
    public String clientScript(Page page, String contextPath) {
        if (page == null || pages.get(page.id()) != page) {
            throw new IllegalArgumentException("not a live page of this application: " + page);
        }
        if (contextPath == null
                || (!contextPath.isEmpty() && (!contextPath.startsWith("/") || contextPath.endsWith("/")))) {
            throw new IllegalArgumentException(
                    "a context path is empty or starts but does not end with /: " + contextPath);
        }
        return HtmlInjector.scriptTag(
                contextPath + CLIENT_PREFIX + clientFiles.entry(), tokens.issue(page.id(), page.path()), clientConfig);
    }

    /** The browser client's files, served below {@link #CLIENT_PREFIX}. */
    public ClientFiles clientFiles() {
        return clientFiles;
    }

    @Override
    public String injectClient(String html, Page page, String contextPath) {
        return HtmlInjector.inject(html, clientScript(page, contextPath));
    }

    @Override
    public Topic topic(String name) {
        return topics.topic(name);
    }

    @Override
    public int pageCount() {
        return pages.size();
    }

    @Override
    public PageRef pageById(String id) {
        return new PageHandle(this, id);
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public void drain() {
        synchronized (this) {
            if (draining) {
                return;
            }
            draining = true;
        }
        backplane.drain();
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        int left = pages.size();
        log.info(
                "draining: no new pages here; {} pages are served for up to {} s",
                left,
                settings.drainTimeout().toSeconds());
        try {
            while (pages.size() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(Math.min(100, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        left = pages.size();
        for (LivePage page : pages.all()) {
            page.close(CloseCodes.PAGE_GONE, "page expired: the server is restarting");
        }
        log.info("drained: {} pages told to reload", left);
    }

    /** Whether {@link #drain()} was called: this node takes no new pages. */
    public boolean isDraining() {
        return draining;
    }

    @Override
    public Health health() {
        if (closed) {
            return new Health(Health.State.CLOSED, "the application is closed");
        }
        if (draining) {
            return new Health(Health.State.DRAINING, "draining: this node is shutting down and takes no new pages");
        }
        int n = node;
        if (n != 0 && backplane.state(n) == Backplane.NodeState.GONE) {
            return new Health(
                    Health.State.OUT_OF_CLUSTER, "node " + n + " is cut off from its cluster (its lease lapsed)");
        }
        return Health.READY;
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        for (LivePage page : pages.all()) {
            page.close(CloseCodes.GOING_AWAY, "server shutting down");
        }
        backplane.close();
        executor.shutdown();
        blockingWork.shutdown();
    }

    // ---- Protocol

    @Override
    public boolean handle(HttpExchange exchange) {
        return router.handle(exchange);
    }

    @Override
    public boolean claims(HttpExchange exchange) {
        return router.claims(exchange);
    }

    @Override
    public void batchHandlerStarts(Executor endOfPass) {
        HandlerStarts.batchOnThisThread(endOfPass);
    }

    /** The router (tests, diagnostics). */
    public Router router() {
        return router;
    }

    // ---- what the protocol's routes use

    /** Whether {@code path} is a page route (a GET renders it). */
    public boolean isPage(String path) {
        return routes.containsKey(path);
    }

    /** Who may render the page at {@code path} if it is the dashboard, else {@code null} (anyone). */
    public DashboardAccess dashboardAccess(String path) {
        Dashboard d = dashboard;
        return d != null && path.equals(dashboardPath) ? d.access() : null;
    }

    /** Whether {@code path} is an endpoint (docs/PROTOCOL.md §12). */
    public boolean isEndpoint(String path) {
        return endpoints.containsKey(path);
    }

    /**
     * Opens an endpoint connection (docs/PROTOCOL.md §12.2): reads the JSON body
     * {@code {"params": …}}, runs the endpoint's authorizer, creates a page without HTML whose own
     * channel the endpoint's handler sets up, and answers its token and client configuration.
     * Blocks while the authorizer and handler run. The caller checked the Origin.
     */
    public Answer openEndpoint(String path, String body, String origin) {
        Endpoint endpoint = endpoints.get(path);
        if (endpoint == null) {
            return Answer.text(404, "no endpoint at " + path + "\n");
        }
        JsonNode params = openParams(body);
        if (params == null) {
            return Answer.text(400, "the body must be a JSON object {\"params\": …}\n");
        }
        Endpoint.Admission admission = endpoint.admit(new ChannelRequest(path, params, origin, null));
        if (admission.refusal() != null) {
            counts.endpointOpen(Counts.REFUSED);
            ObjectNode refused =
                    Json.mapper().createObjectNode().put("code", "refused").put("reason", admission.refusal());
            return Answer.json(403, refused.toString());
        }
        LivePage page = new LivePage(this, pageIds.newId(node), path, params);
        pages.add(page);
        counts.pagesCreated[1].increment();
        page.logContext.enter();
        try {
            admission.setUp().open(page);
        } catch (Exception e) {
            counts.endpointOpen(Counts.FAILED);
            log.error("endpoint {} failed to open a channel", path, e);
            page.close(CloseCodes.PAGE_GONE, "open failed");
            return Answer.text(500, "the endpoint failed to open the channel\n");
        } finally {
            page.logContext.exit();
        }
        counts.endpointOpen(Counts.OPENED);
        ObjectNode opened = Json.mapper().createObjectNode().put("token", tokens.issue(page.id(), path));
        opened.set("config", clientConfigJson); // only read (serialised), never changed: shared
        return Answer.json(200, opened.toString());
    }

    /** The params of an open's body {@code {"params": …}}, JSON null when absent; {@code null} if malformed. */
    private JsonNode openParams(String body) {
        JsonNode tree;
        try {
            tree = body == null || isJsonWhitespace(body) ? Json.mapper().createObjectNode() : codec.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
        if (tree == null || !tree.isObject()) {
            return null;
        }
        JsonNode params = tree.get("params");
        return params == null ? NullNode.getInstance() : params;
    }

    /**
     * Whether {@code body} is empty or JSON's whitespace only (RFC 8259 §2): an open without params.
     * Not {@code isBlank}, which takes a body of a vertical tab for none (found by EndpointOpensFuzzTest).
     */
    private static boolean isJsonWhitespace(String body) {
        return body.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\n' || c == '\r');
    }

    /**
     * The endpoint a page's channel to {@code path} opens on its own connection: the one at that
     * path, else the {@link #anyEndpoint} one, else {@code null}.
     */
    Endpoint endpoint(String path) {
        Endpoint endpoint = endpoints.get(path);
        return endpoint != null ? endpoint : anyEndpoint;
    }

    /** Renders a page route: creates the Page, runs the route handler and injects the client. Blocks. */
    public Rendered render(PageRequest request) {
        PageHandler handler = routes.get(request.path());
        if (handler == null) {
            return new Rendered(404, "Not Found");
        }
        LivePage page = new LivePage(this, pageIds.newId(node), request.path());
        pages.add(page);
        counts.pagesCreated[0].increment();
        String html;
        page.logContext.enter(); // the route's own log lines carry the page too
        try {
            html = handler.render(request, page);
            if (html == null) {
                log.error("page handler for {} returned null instead of HTML", request.path());
            }
        } catch (Exception e) {
            log.error("page handler for {} failed", request.path(), e);
            html = null;
        } finally {
            page.logContext.exit();
        }
        if (html == null) {
            page.close(CloseCodes.PAGE_GONE, "render failed");
            return new Rendered(500, "Internal Server Error");
        }
        return new Rendered(200, HtmlInjector.inject(html, clientScript(page, request.contextPath())));
    }

    /**
     * Attaches a new connection to the page named by {@code token} and resumes the page's channel from
     * the client's ack (docs/PROTOCOL.md §10.3). On acceptance the page sends, before this returns, its
     * {@code hello}, then {@code missed} if data was lost, then every kept data frame above the ack.
     * Never blocks.
     *
     * @param ack the {@code ack} query parameter as received, or {@code null} (same as {@code "0"})
     */
    public Attachment attach(String path, String token, String ack, Connection connection) {
        Attachment attachment = attachOrRefuse(path, token, ack, connection);
        if (attachment instanceof Attachment.Refused r) {
            counts.closed(r.code(), r.reason(), path);
            if (r.code() == CloseCodes.PAGE_GONE) {
                counts.pagesExpired.increment();
            }
        }
        return attachment;
    }

    private Attachment attachOrRefuse(String path, String token, String ack, Connection connection) {
        long clientAck;
        try {
            clientAck = ack == null || ack.isEmpty() ? 0 : Long.parseLong(ack);
        } catch (NumberFormatException e) {
            clientAck = -1;
        }
        if (clientAck < 0) {
            return new Attachment.Refused(CloseCodes.BAD_FRAME, "the ack parameter must be a non-negative integer");
        }
        if (token == null || token.isEmpty()) {
            return new Attachment.Refused(CloseCodes.BAD_TOKEN, "missing page token");
        }
        PageTokens.Verified verified = tokens.verify(token, path);
        if (verified == null) {
            return new Attachment.Refused(CloseCodes.BAD_TOKEN, "invalid page token");
        }
        LivePage page = pages.get(verified.pageId());
        if (page == null) {
            return new Attachment.Refused(CloseCodes.PAGE_GONE, "page expired");
        }
        if (page.state() == LivePage.State.NEW) {
            long age = Clock.systemUTC().instant().getEpochSecond() - verified.issuedAt();
            if (age > settings.tokenTtl().toSeconds()) {
                return new Attachment.Refused(CloseCodes.BAD_TOKEN, "page token expired");
            }
        }
        return page.attach(connection, clientAck);
    }

    /** The page {@code token} names leaves for good, as on {@code ["bye"]}; whether it was live. */
    public boolean leave(String path, String token) {
        String id = pageIdOf(path, token);
        LivePage page = id == null ? null : pages.get(id);
        if (page == null) {
            return false;
        }
        page.close(CloseCodes.NORMAL, "page left");
        return true;
    }

    /** The id of the page {@code token} names, if genuine and issued for {@code path}; else {@code null}. */
    public String pageIdOf(String path, String token) {
        PageTokens.Verified verified = token == null ? null : tokens.verify(token, path);
        return verified == null ? null : verified.pageId();
    }

    /** The static roots, in registration order. */
    public List<StaticRoot> staticRoots() {
        return staticRoots;
    }

    /** Runs work for a request that may block (a render, an endpoint open, a file read) on a virtual thread. */
    public Executor blockingWork() {
        return blockingWork;
    }

    // ---- internal collaborators

    /** What the protocol counted (metrics). */
    public Counts counts() {
        return counts;
    }

    /** Connections attached to this node's pages now, by {@link Counts#TRANSPORTS} index; walks the pages. */
    public long connections(int transport) {
        long n = 0;
        for (LivePage page : pages.all()) {
            String t = page.transport();
            if (t != null && Counts.transport(t) == transport) {
                n++;
            }
        }
        return n;
    }

    /** Events and calls queued for handlers on this node's pages and their channels now; walks the pages. */
    public long handlerQueue() {
        long n = 0;
        for (LivePage page : pages.all()) {
            n += page.queued();
        }
        return n;
    }

    /** Topics with state on this node: members anywhere in the cluster, or configured. */
    public int topicCount() {
        return topics.count();
    }

    /** The {@code n} topics with the most members in the cluster, largest first, with their member counts. */
    public Map<String, Integer> largestTopics(int n) {
        return topics.largest(n);
    }

    /** This node's channels that are members of at least one topic. */
    public int topicMembers() {
        return topics.localMembers();
    }

    FrameCodec codec() {
        return codec;
    }

    Topics topics() {
        return topics;
    }

    Pages pages() {
        return pages;
    }

    Executor executor() {
        return executor;
    }

    /** The shared timer: page ticks, delayed acks, call and poll timeouts; its tasks must be short. */
    public ScheduledExecutorService scheduler() {
        return timer;
    }

    /** The backplane this node reaches the others through. */
    public Backplane backplane() {
        return backplane;
    }

    /** Carries connections and calls to pages that other nodes own. */
    public Relay relay() {
        return relay;
    }

    @Override
    public int node() {
        return node;
    }

    /**
     * The node that owns the page with this id: {@link #node()} for this node's own pages (and
     * always, when the application runs alone).
     */
    public int ownerOf(String pageId) {
        int n = node;
        return n == 0 ? 0 : PageIds.ownerOf(pageId);
    }

    /**
     * This node lost its lease and joined again as {@code newNode}: the other nodes took its pages
     * for gone, so it closes them all (their browsers render anew) and makes new pages as
     * {@code newNode}.
     */
    void evicted(int newNode) {
        int old = node;
        node = newNode;
        log.warn(
                "node {} was cut off from the cluster for longer than its lease: its pages are closed; now node {}",
                old,
                newNode);
        for (LivePage page : pages.all()) {
            if (PageIds.ownerOf(page.id()) == old) {
                page.close(CloseCodes.PAGE_GONE, "this server was cut off from its cluster");
            }
        }
    }

    /** Looks a live page up by id (tests and diagnostics). */
    public Page page(String id) {
        return pages.get(id);
    }

    private void tick() {
        long now = System.nanoTime();
        for (LivePage page : pages.all()) {
            try {
                page.tick(now);
            } catch (RuntimeException e) {
                page.logContext.enter();
                log.error("timer failed for {}", page, e);
                page.logContext.exit();
            }
        }
    }

    private static void checkPath(String path) {
        if (path == null || !path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw new IllegalArgumentException("path must be absolute, without query or fragment: " + path);
        }
        if (!PageTokens.isUnicode(path)) {
            // Request paths are decoded from UTF-8, so never hold one; and no token can sign it.
            throw new IllegalArgumentException("path holds an unpaired surrogate, which no request path can: " + path);
        }
    }

    private static String prefix(String urlPrefix) {
        checkPath(urlPrefix);
        String p = urlPrefix.replaceAll("/+$", "");
        if ((p + "/").startsWith(CLIENT_PREFIX)) {
            throw new IllegalArgumentException("paths below " + CLIENT_PREFIX + " are reserved: " + urlPrefix);
        }
        return p;
    }
}
