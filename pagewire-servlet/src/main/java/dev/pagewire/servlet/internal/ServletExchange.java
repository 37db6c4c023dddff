package dev.pagewire.servlet.internal;

import dev.pagewire.Settings;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.LogGate;
import dev.pagewire.spi.ResponseStream;
import dev.pagewire.spi.WebSocketHandler;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.server.ServerContainer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One servlet request as an {@link HttpExchange}. While the protocol decides on the request's own
 * thread, an answer given right there is written at once; any later answer goes through the async
 * context, written without blocking ({@link ResponseWriter}). A WebSocket upgrade goes to the
 * container's own WebSocket layer ({@code ServerContainer.upgradeHttpToWebSocket}).
 *
 * <p>Thread-safe: the answer's state is guarded by this object's monitor.
 */
public final class ServletExchange implements HttpExchange {

    private static final Logger log = LoggerFactory.getLogger(ServletExchange.class);
    /** A client can make upgrades fail at any rate: a warning once a minute, the rest at debug. */
    private static final LogGate UPGRADE_FAILURES = new LogGate(Duration.ofMinutes(1));

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Settings settings;
    private final ServerContainer webSockets;
    private final String target;
    private final Thread requestThread = Thread.currentThread();
    private byte[] body = new byte[0];
    private AsyncContext async;
    private boolean answered;
    /** An answer given from another thread before the request went async; run once it has. */
    private Runnable pending;

    private final List<Runnable> onAbort = new ArrayList<>();
    private boolean over;

    /**
     * @param webSockets the container's WebSocket server, or {@code null} when it has none (upgrades
     *     are then refused with {@code 403} and the client falls back to HTTP)
     */
    public ServletExchange(
            HttpServletRequest request, HttpServletResponse response, Settings settings, ServerContainer webSockets) {
        this.request = request;
        this.response = response;
        this.settings = settings;
        this.webSockets = webSockets;
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = context.isEmpty() || !uri.startsWith(context) ? uri : uri.substring(context.length());
        if (path.isEmpty()) {
            path = "/";
        }
        String query = request.getQueryString();
        this.target = query == null ? path : path + "?" + query;
    }

    /** Sets the body that {@link BodyReader} read, before the protocol handles the request. */
    public void body(byte[] body) {
        this.body = body;
    }

    HttpServletRequest request() {
        return request;
    }

    /**
     * Continues the request asynchronously (on its own thread, after the protocol handled it or before
     * reading its body): answers given later are written through the async context. Does nothing if
     * the request was answered already or upgraded.
     */
    public void goAsync() {
        Runnable run;
        synchronized (this) {
            if (async != null || (answered && pending == null)) {
                return;
            }
            async = request.startAsync(request, response);
            async.setTimeout(0); // the protocol times its own waits (long-poll, heartbeats)
            async.addListener(new Listener());
            run = pending;
            pending = null;
        }
        if (run != null) {
            run.run();
        }
    }

    // ---- the request side

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public String contextPath() {
        return request.getContextPath();
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public int headerCount(String name) {
        return Collections.list(request.getHeaders(name)).size();
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        for (String name : Collections.list(request.getHeaderNames())) {
            for (String value : Collections.list(request.getHeaders(name))) {
                action.accept(name, value);
            }
        }
    }

    @Override
    public String version() {
        return request.getProtocol();
    }

    @Override
    public boolean secure() {
        return request.isSecure();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return InetSocketAddress.createUnresolved(request.getRemoteAddr(), request.getRemotePort());
    }

    @Override
    public byte[] body() {
        return body;
    }

    // ---- answers

    @Override
    public void respond(HttpResponse answer, Runnable written) {
        AsyncContext context;
        synchronized (this) {
            claim();
            if (async == null) {
                if (Thread.currentThread() == requestThread) {
                    writeNow(answer, written);
                    return;
                }
                pending = () -> respond(async, answer, written);
                return;
            }
            context = async;
        }
        respond(context, answer, written);
    }

    /** Answers on the request's own thread, before it went async: a plain blocking write of a small body. */
    private void writeNow(HttpResponse answer, Runnable written) {
        head(answer.status(), answer.headers());
        contentLength(answer);
        try {
            response.getOutputStream().write(answer.body());
        } catch (IOException e) {
            log.debug("cannot write a response to {}: {}", request.getRemoteAddr(), e.toString());
        }
        if (written != null) {
            written.run();
        }
    }

    private void respond(AsyncContext context, HttpResponse answer, Runnable written) {
        head(answer.status(), answer.headers());
        contentLength(answer);
        ResponseWriter writer = new ResponseWriter(context, this::aborted);
        try {
            writer.start();
        } catch (IOException | IllegalStateException e) {
            aborted();
            if (written != null) {
                written.run();
            }
            return;
        }
        writer.write(answer.body());
        writer.end();
        if (written != null) {
            written.run(); // handed to the container: counted by it from here on
        }
    }

    @Override
    public ResponseStream stream(int status, HttpResponse.Headers headers) {
        AsyncContext context;
        synchronized (this) {
            claim();
            if (async == null) {
                throw new IllegalStateException("a stream needs an async request: goAsync() before handling");
            }
            context = async;
        }
        head(status, headers);
        ServletStream stream = new ServletStream(context);
        synchronized (this) {
            onAbort.clear(); // a stream reports its own end
        }
        return stream;
    }

    @Override
    public void upgrade(WebSocketHandler handler) {
        synchronized (this) {
            claim();
        }
        if (webSockets == null) {
            writeNow(HttpResponse.text(403, "WebSocket is not available in this servlet container"), null);
            return;
        }
        try {
            webSockets.upgradeHttpToWebSocket(request, response, SocketEndpoint.config(handler, settings), Map.of());
        } catch (Exception e) {
            if (UPGRADE_FAILURES.open()) {
                log.warn("WebSocket upgrade of {} failed: {}", request.getRequestURI(), e.toString());
            } else {
                log.debug("WebSocket upgrade of {} failed: {}", request.getRequestURI(), e.toString());
            }
            if (!response.isCommitted()) {
                writeNow(HttpResponse.text(400, "WebSocket upgrade failed"), null);
            }
        }
    }

    @Override
    public void onAbort(Runnable task) {
        boolean now;
        synchronized (this) {
            now = over;
            if (!now) {
                onAbort.add(task);
            }
        }
        if (now) {
            Thread.ofVirtual().start(task);
        }
    }

    /**
     * The body's length; none on a {@code 304}, whose length would have to be that of the {@code 200}
     * it stands for (RFC 9110 §8.6), which it does not have.
     */
    private void contentLength(HttpResponse answer) {
        if (answer.status() != 304) {
            response.setContentLength(answer.body().length);
        }
    }

    private void head(int status, HttpResponse.Headers headers) {
        response.setStatus(status);
        for (HttpResponse.Headers.Header h : headers.all()) {
            response.addHeader(h.name(), h.value());
        }
    }

    /** Holds the monitor. */
    private void claim() {
        if (answered) {
            throw new IllegalStateException("this exchange was answered already");
        }
        answered = true;
    }

    /** The client went away before the answer was complete. */
    private void aborted() {
        List<Runnable> tasks;
        synchronized (this) {
            if (over) {
                return;
            }
            over = true;
            tasks = List.copyOf(onAbort);
            onAbort.clear();
        }
        if (!tasks.isEmpty()) {
            // Never inside the protocol's own call of respond (it holds its locks there).
            Thread.ofVirtual().start(() -> tasks.forEach(Runnable::run));
        }
    }

    /** The async request's end: complete (answered), or broken off by the client or the container. */
    private final class Listener implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            synchronized (ServletExchange.this) {
                over = true;
                onAbort.clear();
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            aborted();
        }

        @Override
        public void onError(AsyncEvent event) {
            aborted();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {}
    }
}
