package dev.pagewire.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.pagewire.CallException;
import dev.pagewire.CallHandler;
import dev.pagewire.Event;
import dev.pagewire.EventException;
import dev.pagewire.internal.protocol.DataFrame;
import dev.pagewire.internal.protocol.Frame;
import dev.pagewire.internal.protocol.FrameCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A page's calls (docs/PROTOCOL.md §11): the handlers that answer the browser's calls, and the
 * server's calls to the browser still waiting for a reply. Futures complete on the application's
 * executor, never on the thread that reports the outcome (a network thread, the shared timer).
 * Thread-safe.
 */
final class PageCalls {

    private static final Logger log = LoggerFactory.getLogger(PageCalls.class);

    /** Made on first use, like {@link #pending}: most pages never take or make a call. */
    private volatile Map<String, CallHandler> handlers;

    private volatile Map<Long, CompletableFuture<JsonNode>> pending;
    private long lastId;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final Counts counts;

    PageCalls(Executor executor, ScheduledExecutorService timer, Counts counts) {
        this.executor = executor;
        this.timer = timer;
        this.counts = counts;
    }

    synchronized void handle(String name, CallHandler handler) {
        if (handlers == null) {
            handlers = new ConcurrentHashMap<>();
        }
        handlers.put(name, handler);
    }

    /** Answers the calls without a handler of their own ({@code Channel.handleOther}); or null. */
    private volatile CallHandler other;

    void handleOther(CallHandler handler) {
        other = handler;
    }

    /** The handler for the browser's call {@code name}, or {@code null}. */
    CallHandler handler(String name) {
        Map<String, CallHandler> h = handlers;
        CallHandler own = h == null ? null : h.get(name);
        return own != null ? own : other;
    }

    private synchronized Map<Long, CompletableFuture<JsonNode>> pendingMap() {
        if (pending == null) {
            pending = new ConcurrentHashMap<>();
        }
        return pending;
    }

    /** Removes and returns the waiting call {@code id}, or {@code null}. */
    private CompletableFuture<JsonNode> take(long id) {
        Map<Long, CompletableFuture<JsonNode>> p = pending;
        return p == null ? null : p.remove(id);
    }

    /**
     * Runs the handler of the browser's call (on the page's mailbox) and returns the reply to send:
     * its value, its {@link EventException}'s code and message, {@code handler_error} for any other
     * failure (logged, never shown), or {@code unknown_call}.
     */
    DataFrame answer(Frame.Call call, FrameCodec codec, Object page) {
        CallHandler handler = handler(call.name());
        if (handler == null) {
            counts.callFailed(Counts.INBOUND, "unknown_call");
            return codec.failure(call.id(), "unknown_call", "no handler for call '" + call.name() + "'");
        }
        try {
            return codec.result(call.id(), handler.handle(Event.json(call.name(), call.args())));
        } catch (EventException e) {
            // The application's code; "application" in metrics unless it is one of the protocol's.
            counts.callFailed(Counts.INBOUND, e.code());
            return codec.failure(call.id(), e.code(), String.valueOf(e.getMessage()));
        } catch (Exception | Error e) {
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
            counts.callFailed(Counts.INBOUND, "handler_error");
            log.warn("handler of call '{}' on {} failed", call.name(), page, e);
            return codec.failure(call.id(), "handler_error", "the handler of call '" + call.name() + "' failed");
        }
    }

    /** A fresh call id: positive, unique on this page. */
    synchronized long nextId() {
        return ++lastId;
    }

    /** Registers call {@code id}, failing it with {@code timeout} once {@code timeout} passes. */
    CompletableFuture<JsonNode> register(long id, Duration timeout) {
        CompletableFuture<JsonNode> future = new CompletableFuture<>();
        Map<Long, CompletableFuture<JsonNode>> waiting = pendingMap();
        waiting.put(id, future);
        ScheduledFuture<?> timer =
                schedule(() -> fail(id, "timeout", "no reply within " + timeout.toMillis() + " ms"), timeout);
        future.whenComplete((value, error) -> {
            waiting.remove(id, future);
            if (timer != null) {
                timer.cancel(false);
            }
        });
        return future;
    }

    /** A reply arrived; one for an unknown or answered id is ignored. */
    void resolve(long id, boolean ok, JsonNode value) {
        CompletableFuture<JsonNode> future = take(id);
        if (future == null) {
            return;
        }
        if (ok) {
            JsonNode v = value == null ? NullNode.getInstance() : value;
            complete(() -> future.complete(v));
        } else {
            JsonNode code = value == null ? null : value.get("code");
            JsonNode message = value == null ? null : value.get("message");
            CallException e = new CallException(
                    code != null && code.isTextual() ? code.textValue() : "error",
                    message != null && message.isTextual() ? message.textValue() : "");
            counts.callFailed(Counts.OUTBOUND, e.code());
            complete(() -> future.completeExceptionally(e));
        }
    }

    /** Fails call {@code id} with {@code code}, if it is still waiting. */
    void fail(long id, String code, String message) {
        CompletableFuture<JsonNode> future = take(id);
        if (future != null) {
            counts.callFailed(Counts.OUTBOUND, code);
            CallException e = new CallException(code, message);
            complete(() -> future.completeExceptionally(e));
        }
    }

    /** The page closed: every waiting call fails with {@code closed}. */
    void closeAll() {
        Map<Long, CompletableFuture<JsonNode>> p = pending;
        if (p == null) {
            return;
        }
        for (Long id : List.copyOf(p.keySet())) {
            fail(id, "closed", "the page closed");
        }
    }

    /** Calls waiting for a reply (tests, diagnostics). */
    int pending() {
        Map<Long, CompletableFuture<JsonNode>> p = pending;
        return p == null ? 0 : p.size();
    }

    private void complete(Runnable completion) {
        try {
            executor.execute(completion);
        } catch (RejectedExecutionException e) {
            // The application is closing: still never on the caller's (network) thread.
            Thread.ofVirtual().name("pagewire-call").start(completion);
        }
    }

    private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        try {
            return timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null; // the application is closing; the page's close fails the call
        }
    }
}
