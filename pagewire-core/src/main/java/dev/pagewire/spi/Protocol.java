package dev.pagewire.spi;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import java.util.concurrent.Executor;

/**
 * The Pagewire protocol of one application, as a server adapter sees it: every HTTP request the
 * adapter receives goes to {@link #handle}, which decides what it is (the client's files, a page's
 * WebSocket, a fallback transport's request, an endpoint open, a CORS preflight, a page render, a
 * static file) and answers it through the {@link HttpExchange}. The adapter holds no protocol
 * decisions and no security checks of its own. Thread-safe.
 *
 * <pre>{@code
 * Protocol protocol = Protocol.of(app);
 * // for each request:
 * if (!protocol.handle(exchange)) { ...not Pagewire's: pass it on, or answer 404 }
 * }</pre>
 */
public interface Protocol {

    /**
     * The protocol of an application made by {@link Pagewire#create}.
     *
     * @param app the application
     * @return its protocol, to hand every request to
     * @throws IllegalArgumentException if {@code app} is some other implementation of {@link Pagewire}
     */
    static Protocol of(Pagewire app) {
        if (app instanceof Protocol protocol) {
            return protocol;
        }
        throw new IllegalArgumentException("not an application made by Pagewire.create(): " + app);
    }

    /**
     * {@return the application's settings: adapters size their own limits from them (message size,
     * compression)}
     */
    Settings settings();

    /**
     * {@link Pagewire#clientScript(Page)} for an application mounted below {@code contextPath} (a
     * Servlet context such as {@code "/shop"}; {@code ""} at the root): the client's URL starts with it.
     *
     * @param page a live page of this application
     * @param contextPath {@code ""}, or the context path such as {@code "/shop"}
     * @return the {@code <script>} element's HTML
     * @throws IllegalArgumentException if {@code page} is not a live page of this application, or the
     *     context path is neither empty nor {@code "/…"} without a trailing slash
     */
    String clientScript(Page page, String contextPath);

    /**
     * {@code html} with {@link #clientScript(Page, String)} put where the protocol puts it in rendered
     * pages: right after the opening {@code <head>} tag (failing that, after {@code <html>} or the
     * doctype, failing that first). For adapters that inject the client into HTML the application
     * rendered itself.
     *
     * @param html the page's HTML as the application rendered it
     * @param page the live page that HTML belongs to
     * @param contextPath {@code ""}, or the context path such as {@code "/shop"}
     * @return the HTML with the client's {@code <script>} element in it
     * @throws IllegalArgumentException as {@link #clientScript(Page, String)}
     */
    String injectClient(String html, Page page, String contextPath);

    /**
     * Takes one HTTP request. Never blocks: work that may block (rendering, endpoint authorizers, file
     * reads) runs on virtual threads, and the answer comes later through the exchange, from any thread.
     *
     * @param exchange the request, and the ways to answer it
     * @return {@code true} if the request is Pagewire's and is (or will be) answered through
     *     {@code exchange}; {@code false} if it is none of Pagewire's business and the exchange was not
     *     touched: the adapter passes it on (a servlet filter's chain) or answers {@code 404}
     */
    boolean handle(HttpExchange exchange);

    /**
     * Whether {@link #handle} would take this request, judged from its method, target and headers
     * alone: never reads the body, answers nothing. An adapter in front of an application (a servlet
     * filter) asks first, so that it reads a body only for Pagewire's own requests and passes every
     * other request on untouched. Never blocks.
     *
     * @param exchange the request; only its method, target and headers are read
     * @return whether {@link #handle} would take it
     */
    boolean claims(HttpExchange exchange);

    /**
     * Called on an I/O thread that reads many requests in one pass (an event loop): from then on the
     * page handlers woken on that thread start together at the end of the pass, when {@code endOfPass}
     * runs a task, instead of one by one. {@code endOfPass} must run tasks on that same thread after its
     * current I/O work (as a Netty event loop's {@code execute} does) and may refuse them when shutting
     * down (the handlers then start at once). Idempotent per thread; order and the one-at-a-time rule
     * per page are unchanged. Adapters whose I/O threads are not event loops do not call it.
     *
     * @param endOfPass runs a task on the calling I/O thread once its current pass is over
     */
    void batchHandlerStarts(Executor endOfPass);
}
