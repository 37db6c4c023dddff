package dev.pagewire.servlet;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.servlet.internal.BodyReaders;
import dev.pagewire.servlet.internal.HtmlCapture;
import dev.pagewire.servlet.internal.ServletExchange;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.Protocol;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.server.ServerContainer;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pagewire in a Jakarta Servlet 6.1 container (Tomcat 11, Jetty 12.1 ee11): one filter in front of
 * the application carries every page's channel on the page's own URL (WebSocket through the
 * container's Jakarta WebSocket 2.2 layer, SSE and long-polling through async servlets with
 * non-blocking I/O), serves the client's files, endpoint opens and Pagewire's own routes, and passes
 * every other request on to the application untouched.
 *
 * <p>Install it while the application starts, in one line:
 *
 * <pre>{@code
 * // in a ServletContainerInitializer, a ServletContextListener's contextInitialized,
 * // or Spring Boot's ServletContextInitializer:
 * PagewireFilter.install(servletContext, app);
 * }</pre>
 *
 * <p>Then the application's own servlets, JSPs, templates or controllers render pages as they always
 * did, and take the {@link Page} of the view they render with {@link #page(HttpServletRequest)}: the
 * filter injects the client and the page's token into that HTML response. Code that streams or caches
 * its HTML places {@link #clientScript(HttpServletRequest)} in the {@code <head>} itself.
 *
 * <p>Thread-safe; one instance serves every request.
 */
public final class PagewireFilter implements Filter {

    private static final Logger log = LoggerFactory.getLogger(PagewireFilter.class);

    /** The request attribute holding the application that the filter saw the request with. */
    private static final String APP = PagewireFilter.class.getName() + ".app";
    /** The request attribute holding the page made for this request's view. */
    private static final String PAGE = PagewireFilter.class.getName() + ".page";
    /** Set when the application placed the client script itself: nothing to inject. */
    private static final String PLACED = PagewireFilter.class.getName() + ".placed";

    private static final String WEBSOCKET_CONTAINER = "jakarta.websocket.server.ServerContainer";

    private final Pagewire app;
    private final Protocol protocol;
    private final ServletSettings settings;
    private volatile ServerContainer webSockets;
    private volatile boolean warnedSync;

    /**
     * A filter for {@code app} with the default {@link ServletSettings}.
     *
     * @param app the application whose pages this filter serves
     */
    public PagewireFilter(Pagewire app) {
        this(app, ServletSettings.defaults());
    }

    /**
     * A filter for {@code app} with the adapter's own settings.
     *
     * @param app the application whose pages this filter serves
     * @param settings the adapter's limits
     */
    public PagewireFilter(Pagewire app, ServletSettings settings) {
        this.app = Objects.requireNonNull(app, "app");
        this.protocol = Protocol.of(app);
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Registers a {@link PagewireFilter} for {@code app} on every path ({@code /*}), async-supported, in
     * front of the application's other filters. Call it while the context starts.
     *
     * @param context the starting servlet context
     * @param app the application whose pages the filter serves
     * @return the registration, e.g. to add init parameters
     * @throws IllegalStateException if the context has started already (registration is too late then:
     *     call it from a {@code ServletContainerInitializer}, a {@code ServletContextListener}'s
     *     {@code contextInitialized}, or Spring Boot's {@code ServletContextInitializer}), or a filter
     *     named {@code pagewire} exists already
     */
    public static FilterRegistration.Dynamic install(ServletContext context, Pagewire app) {
        return install(context, app, ServletSettings.defaults());
    }

    /**
     * {@link #install(ServletContext, Pagewire)} with the adapter's own settings.
     *
     * @param context the starting servlet context
     * @param app the application whose pages the filter serves
     * @param settings the adapter's limits
     * @return the registration, e.g. to add init parameters
     * @throws IllegalStateException as {@link #install(ServletContext, Pagewire)}
     */
    public static FilterRegistration.Dynamic install(ServletContext context, Pagewire app, ServletSettings settings) {
        FilterRegistration.Dynamic registration;
        try {
            registration = context.addFilter("pagewire", new PagewireFilter(app, settings));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(
                    "PagewireFilter.install came too late: the servlet context "
                            + context.getContextPath()
                            + " has started already. Call it while the context starts: from a"
                            + " ServletContainerInitializer, a ServletContextListener's contextInitialized, or Spring"
                            + " Boot's ServletContextInitializer",
                    e);
        }
        if (registration == null) {
            throw new IllegalStateException(
                    "a filter named 'pagewire' is registered already in " + context.getContextPath());
        }
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        if (context.getAttribute(WEBSOCKET_CONTAINER) == null) {
            log.warn(
                    "no Jakarta WebSocket container in {}: pages will use the SSE and long-polling fallbacks "
                            + "(add tomcat-embed-websocket or Jetty's ee11 jakarta websocket server)",
                    context.getContextPath());
        }
        return registration;
    }

    /**
     * The page of the view this request renders, made on first call (its path is the request's path
     * within the context). Set it up as a Pagewire route sets up its page (handlers, topics, state); the
     * filter injects the client into this request's HTML response.
     *
     * @param request a request that passed a {@link PagewireFilter}
     * @return the page of the view, the same one on every call for this request
     * @throws IllegalStateException if no {@link PagewireFilter} saw this request
     */
    public static Page page(HttpServletRequest request) {
        Object page = request.getAttribute(PAGE);
        if (page instanceof Page p) {
            return p;
        }
        Page made = appOf(request).newPage(pathOf(request));
        request.setAttribute(PAGE, made);
        return made;
    }

    /**
     * The {@code <script>} element connecting the browser to this request's {@link #page}, for HTML the
     * application streams or caches: place it in the {@code <head>}; the filter then injects nothing.
     *
     * @param request a request that passed a {@link PagewireFilter}
     * @return the {@code <script>} element's HTML
     * @throws IllegalStateException if no {@link PagewireFilter} saw this request
     */
    public static String clientScript(HttpServletRequest request) {
        Page page = page(request);
        request.setAttribute(PLACED, Boolean.TRUE);
        return Protocol.of(appOf(request)).clientScript(page, request.getContextPath());
    }

    private static Pagewire appOf(HttpServletRequest request) {
        if (request.getAttribute(APP) instanceof Pagewire app) {
            return app;
        }
        throw new IllegalStateException("no PagewireFilter saw this request (" + request.getRequestURI()
                + "): install it with PagewireFilter.install(servletContext, app), mapped to /*");
    }

    private static String pathOf(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = context.isEmpty() || !uri.startsWith(context) ? uri : uri.substring(context.length());
        return path.isEmpty() ? "/" : path;
    }

    @Override
    public void init(jakarta.servlet.FilterConfig config) {
        if (config.getServletContext().getAttribute(WEBSOCKET_CONTAINER) instanceof ServerContainer container) {
            webSockets = container;
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        if (webSockets == null
                && request.getServletContext().getAttribute(WEBSOCKET_CONTAINER) instanceof ServerContainer c) {
            webSockets = c;
        }
        ServletExchange exchange = new ServletExchange(request, response, protocol.settings(), webSockets);
        if (!protocol.claims(exchange)) {
            application(request, response, chain);
            return;
        }
        if (!request.isAsyncSupported()) {
            if (!warnedSync) {
                warnedSync = true;
                log.error("PagewireFilter is not async-supported: register it with setAsyncSupported(true) "
                        + "(PagewireFilter.install does), and every filter before it too");
            }
            response.sendError(500, "Pagewire's filter must be async-supported");
            return;
        }
        if (isUpgrade(request)) {
            // A container upgrades only on the request's own thread, before async.
            protocol.handle(exchange);
            exchange.goAsync();
            return;
        }
        exchange.goAsync();
        if (!hasBody(request)) {
            protocol.handle(exchange);
            return;
        }
        if (request.getContentLengthLong() > settings.maxRequestBytes()) {
            exchange.respond(
                    HttpResponse.text(413, "request body over " + settings.maxRequestBytes() + " bytes"), null);
            return;
        }
        BodyReaders.read(
                request,
                settings.maxRequestBytes(),
                body -> {
                    exchange.body(body);
                    protocol.handle(exchange);
                },
                () -> exchange.respond(
                        HttpResponse.text(413, "request body over " + settings.maxRequestBytes() + " bytes"), null),
                failure -> exchange.respond(HttpResponse.text(400, "request body could not be read"), null));
    }

    /** A request that is the application's: pass it on, with the client injected into a page's HTML. */
    private void application(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        request.setAttribute(APP, app);
        HtmlCapture capture = new HtmlCapture(
                response,
                () -> request.getAttribute(PAGE) != null
                        && request.getAttribute(PLACED) == null
                        && !request.isAsyncStarted());
        chain.doFilter(request, capture);
        capture.flushWriter();
        if (capture.captured()) {
            Page page = (Page) request.getAttribute(PAGE);
            capture.finish(protocol.injectClient(capture.html(), page, request.getContextPath()));
        }
    }

    private static boolean isUpgrade(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null && upgrade.toLowerCase(java.util.Locale.ROOT).contains("websocket");
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }
}
