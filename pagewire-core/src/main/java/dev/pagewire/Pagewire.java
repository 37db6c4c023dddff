package dev.pagewire;

import dev.pagewire.backplane.Backplane;
import dev.pagewire.internal.App;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A Pagewire application: the routes whose pages get a live channel, the topics they share and the
 * settings that bound them. Create one with {@link #create()}, register routes, then hand it to a
 * server (for example {@code dev.pagewire.netty.PagewireServer.start(app)}).
 *
 * <pre>{@code
 * Pagewire app = Pagewire.create();
 * app.page("/", (request, page) -> {
 *     page.on("hello", event -> page.emit("greeting", "Hello, " + event.text()));
 *     return "<h1>Hi</h1>";
 * });
 * }</pre>
 *
 * <p>Thread-safe. Routes are meant to be registered before the server starts.
 */
public interface Pagewire extends AutoCloseable {

    /** {@return a new application with default {@link Settings}} */
    static Pagewire create() {
        return new App(Settings.defaults());
    }

    /**
     * {@return a new application whose settings are the defaults changed by {@code config}}
     *
     * @param config changes the defaults, e.g. {@code s -> s.idleTimeout(Duration.ofMinutes(1))}
     * @throws IllegalArgumentException if a setting is out of its range (the builder says which)
     */
    static Pagewire create(Consumer<Settings.Builder> config) {
        Settings.Builder builder = Settings.builder();
        config.accept(builder);
        return new App(builder.build());
    }

    /**
     * Creates an application that is one node of a cluster: it joins the cluster through
     * {@code backplane} (for example {@code dev.pagewire.redis.RedisBackplane}), blocking until it has
     * joined, and shares topics, presence and pages with the other nodes; a request for a page may
     * reach any node (docs/CLUSTER.md). The backplane's shared secret signs page tokens, so
     * {@link Settings#secret()} is not used. Closing the application leaves the cluster and closes
     * the backplane.
     *
     * @param backplane the cluster's backplane; the application owns it from now on
     * @param config changes the default settings
     * @return the application, a node of the cluster
     * @throws IllegalStateException if the backplane cannot join its cluster
     */
    static Pagewire create(Backplane backplane, Consumer<Settings.Builder> config) {
        Settings.Builder builder = Settings.builder();
        config.accept(builder);
        return new App(builder.build(), backplane);
    }

    /**
     * Registers a page route. A GET of {@code path} calls {@code handler} with a new {@link Page};
     * the HTML it returns is sent with the client script and the page's token injected, and the same
     * URL later carries that page's channel.
     *
     * @param path an absolute path such as {@code "/chat"}, matched exactly
     * @param handler renders each page view and sets up its page
     * @return this application
     * @throws IllegalArgumentException if the path is not absolute, is reserved ({@code /_pagewire/…})
     *     or is registered already (as a page or an endpoint)
     */
    Pagewire page(String path, PageHandler handler);

    /**
     * Registers an endpoint: server code without HTML that any page may open channels to
     * ({@code pagewire.open(path, params)} in the browser, docs/PROTOCOL.md §12). Each channel
     * opened gets its own {@link Channel}, set up by {@code handler}; every open is admitted.
     *
     * @param path an absolute path such as {@code "/stocks"}, matched exactly
     * @param handler sets up each channel opened
     * @return this application
     * @throws IllegalArgumentException like {@link #page}, also if a page is at that path
     */
    Pagewire endpoint(String path, EndpointHandler handler);

    /**
     * Registers an endpoint whose opens {@code authorizer} admits or refuses first; a refused
     * client sees the authorizer's reason.
     *
     * @param path an absolute path such as {@code "/stocks"}, matched exactly
     * @param authorizer admits or refuses each open, before {@code handler} runs
     * @param handler sets up each channel admitted
     * @return this application
     * @throws IllegalArgumentException like {@link #endpoint(String, EndpointHandler)}
     */
    Pagewire endpoint(String path, Authorizer authorizer, EndpointHandler handler);

    /**
     * Takes every channel a page opens on its own connection ({@code pagewire.open(path)} from a page
     * of this origin) to a path that has no endpoint of its own: {@code authorizer} sees the path the
     * page asked for ({@link ChannelRequest#path()}) and admits or refuses it, typically with
     * {@link Access#grant(EndpointHandler)}; {@code handler} sets up what it admits with a plain
     * {@link Access#grant()}. For applications that learn their endpoints at run time, such as the
     * gateway asking its backend. Opens with a request of their own (pages of other origins) still
     * need an endpoint registered at their path.
     *
     * @param authorizer admits or refuses each open to a path without an endpoint
     * @param handler sets up each channel admitted with a plain {@link Access#grant()}
     * @return this application
     * @throws IllegalStateException if it was set already
     */
    Pagewire anyEndpoint(Authorizer authorizer, EndpointHandler handler);

    /**
     * Creates the page of a view that your own code renders instead of a route: a servlet, a JSP, a
     * template, a Spring MVC controller. Set it up as a route handler sets up its page (handlers,
     * topics, state), then put {@link #clientScript(Page)} into the HTML you send; the browser's channel
     * comes back to {@code path}, the URL of that view. Server adapters for containers do both for you
     * (docs/SERVERS.md). A page that no browser connects to is closed after {@link Settings#tokenTtl()}.
     *
     * @param path the path the view is served at, e.g. {@code "/orders/42"}, without its query
     * @return the new page, not yet connected
     * @throws IllegalArgumentException if the path is not absolute or is reserved ({@code /_pagewire/…})
     */
    Page newPage(String path);

    /**
     * The {@code <script>} element that connects a browser to {@code page}: the client and the page's
     * signed token. It belongs in the page's {@code <head>}, once. Pages of routes get it injected.
     *
     * @param page a live page of this application, from {@link #newPage(String)}
     * @return the element's HTML
     * @throws IllegalArgumentException if {@code page} is not a live page of this application
     */
    String clientScript(Page page);

    /**
     * Serves the files below {@code directory} under the URL prefix {@code urlPrefix} (for example
     * {@code "/assets"}), with {@code Cache-Control: no-cache}: browsers keep them and ask whether
     * they changed before each use ({@code 304} when not). Answers carry {@code ETag} and
     * {@code Last-Modified}, text is gzipped, single byte ranges are served (docs/SERVERS.md, Static
     * files). Paths that leave the directory, symbolic links included, are refused. Memory: {@link
     * Settings#staticFileLimits()}.
     *
     * @param urlPrefix the absolute URL path the files are served under
     * @param directory the directory whose files are served
     * @return this application
     * @throws IllegalArgumentException if {@code directory} is not a directory or the prefix is not
     *     an absolute path, or is reserved ({@code /_pagewire/…})
     */
    Pagewire staticFiles(String urlPrefix, Path directory);

    /**
     * {@link #staticFiles(String, Path)} with another {@code Cache-Control}, such as {@code
     * "public, max-age=31536000, immutable"} for files whose names change with their content.
     *
     * @param urlPrefix the absolute URL path the files are served under
     * @param directory the directory whose files are served
     * @param cacheControl the value of the answers' {@code Cache-Control} header
     * @return this application
     * @throws IllegalArgumentException also if {@code cacheControl} is blank or holds a line break
     */
    Pagewire staticFiles(String urlPrefix, Path directory, String cacheControl);

    /**
     * Serves classpath resources below {@code classpathRoot} (for example {@code "web/assets"}) under the URL
     * prefix {@code urlPrefix}, as {@link #staticFiles(String, Path)} serves a directory's files. A
     * resource in a jar is {@code Last-Modified} at its entry's time.
     *
     * @param urlPrefix the absolute URL path the resources are served under
     * @param classpathRoot the resource path below which resources are served
     * @return this application
     * @throws IllegalArgumentException if the prefix is not an absolute path, or is reserved
     *     ({@code /_pagewire/…})
     */
    Pagewire staticResources(String urlPrefix, String classpathRoot);

    /**
     * {@link #staticResources(String, String)} with another {@code Cache-Control}, as {@link
     * #staticFiles(String, Path, String)}.
     *
     * @param urlPrefix the absolute URL path the resources are served under
     * @param classpathRoot the resource path below which resources are served
     * @param cacheControl the value of the answers' {@code Cache-Control} header
     * @return this application
     * @throws IllegalArgumentException as {@link #staticResources(String, String)}, also if
     *     {@code cacheControl} is blank or holds a line break
     */
    Pagewire staticResources(String urlPrefix, String classpathRoot, String cacheControl);

    /**
     * Serves the live dashboard at {@code path}: a page, itself on a Pagewire channel, that shows
     * what every node of this application is doing (pages, connections by transport, events per
     * second, resumes and fallbacks, topics and their members, recent closes with their codes and
     * reasons), updated each second while someone looks (docs/OPERATIONS.md, Dashboard). Off unless
     * called. A browser that {@code access} does not admit gets {@code 401} (asked for the password)
     * or {@code 403}, and never a page token.
     *
     * @param path an absolute path such as {@code "/admin/pagewire"}, matched exactly
     * @param access who may see it: a password, addresses, or both
     * @return this application
     * @throws IllegalArgumentException like {@link #page}
     * @throws IllegalStateException if a dashboard is served already
     */
    Pagewire dashboard(String path, DashboardAccess access);

    /**
     * The topic of that name. Handles are cheap and reusable; a topic's members exist while it has
     * any, its configuration while the application lives (see {@link Topic}).
     *
     * @param name the topic's name
     * @return a handle of the topic
     * @throws NullPointerException if {@code name} is null
     */
    Topic topic(String name);

    /** {@return the number of live pages on this node (connected or inside their grace period)} */
    int pageCount();

    /** {@return the settings this application was created with} */
    Settings settings();

    /**
     * This node's number in its cluster, unique for the cluster's life (a node that restarts gets a new
     * one); {@code 0} when the application runs alone. For logs and metrics, and for names that must
     * not meet across nodes.
     *
     * @return the node's number, or {@code 0}
     */
    int node();

    /**
     * The page with this id, wherever it lives in the cluster (on one node: here), to emit to, call
     * or close from code that has no {@link Page} at hand. Never blocks, never fails: a page that
     * does not exist behaves as a closed one ({@link PageRef}).
     *
     * @param id a page's {@link Page#id()}
     * @return a reference to that page
     * @throws NullPointerException if {@code id} is null
     */
    PageRef pageById(String id);

    /**
     * Shuts this node down gracefully, for a rolling deploy: it takes no new pages from now on (on a
     * cluster, renders and endpoint opens that reach it are passed on to another node), keeps serving
     * its pages for up to {@link Settings#drainTimeout()} or until none is left, then closes the rest
     * with {@code 4404} "page expired" so that their browsers render anew (with
     * {@link Settings#reloadOnExpired()}, at once) on a live node. Blocks until then; call it before
     * stopping the server, e.g. from a shutdown hook. Idempotent.
     */
    void drain();

    /**
     * Whether this node takes new pages now: {@link Health#READY}, or why not (draining, cut off
     * from its cluster, closed). What {@code GET /_pagewire/health/ready} answers (docs/OPERATIONS.md).
     * Any thread; never blocks; cheap enough for every probe.
     *
     * @return this node's readiness now
     */
    Health health();

    /** Closes every page (their connections get {@code 1001}, their close hooks run). */
    @Override
    void close();
}
