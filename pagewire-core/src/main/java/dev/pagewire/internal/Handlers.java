package dev.pagewire.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.CallHandler;
import dev.pagewire.Event;
import dev.pagewire.EventException;
import dev.pagewire.EventHandler;
import dev.pagewire.internal.protocol.DataFrame;
import dev.pagewire.internal.protocol.Frame;
import dev.pagewire.internal.protocol.FrameCodec;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel's server side of events and calls (docs/PROTOCOL.md §3, §11): its event handlers,
 * the {@link PageCalls} both ways, and the {@link Mailbox} that runs them one at a time. A page has
 * one for its own channel and each {@link EndpointChannel} has its own, so channels never wait for
 * each other. Thread-safe.
 */
final class Handlers {

    private static final Logger log = LoggerFactory.getLogger(Handlers.class);

    private final App app;
    private final Object owner;
    private final Consumer<DataFrame> out;
    private final BooleanSupplier closed;
    private final Mailbox mailbox;
    private final PageCalls calls;
    private final Map<String, EventHandler> events = new ConcurrentHashMap<>();
    /** Takes the events without a handler of their own; or null. */
    private volatile EventHandler other;

    /**
     * @param owner the page or channel, for log lines
     * @param out sends a data frame to the client on this channel
     * @param closed whether the channel is closed (frames for it are then dropped)
     * @param logContext what the MDC holds while the handlers run
     */
    Handlers(App app, Object owner, Consumer<DataFrame> out, BooleanSupplier closed, LogContext logContext) {
        this.app = app;
        this.owner = owner;
        this.out = out;
        this.closed = closed;
        this.mailbox = new Mailbox(app.executor(), app.settings().maxQueuedEvents(), logContext);
        this.calls = new PageCalls(app.executor(), app.scheduler(), app.counts());
    }

    void on(String event, EventHandler handler) {
        FrameCodec.checkName(event);
        events.put(event, Objects.requireNonNull(handler, "handler"));
    }

    void handle(String name, CallHandler handler) {
        FrameCodec.checkName(name);
        calls.handle(name, Objects.requireNonNull(handler, "handler"));
    }

    void onOther(EventHandler handler) {
        other = Objects.requireNonNull(handler, "handler");
    }

    void handleOther(CallHandler handler) {
        calls.handleOther(Objects.requireNonNull(handler, "handler"));
    }

    CompletableFuture<JsonNode> call(String name, Object args, Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be a positive duration, got " + timeout);
        }
        long id = calls.nextId();
        app.counts().calls[Counts.OUTBOUND].increment();
        DataFrame frame = app.codec().call(id, name, args);
        // Registered before the closed check, so a close racing with this call still fails it.
        CompletableFuture<JsonNode> future = calls.register(id, timeout);
        if (closed.getAsBoolean()) {
            calls.fail(id, "closed", "the channel closed");
        } else {
            out.accept(frame);
        }
        return future;
    }

    /**
     * Queues an inbound event or call for its handler; {@code false} if the mailbox is full. Frames
     * that arrive for a closed channel are dropped; those taken before it closed are handled.
     */
    boolean deliver(Frame.Message message) {
        if (closed.getAsBoolean()) {
            return true;
        }
        return switch (message) {
            case Frame.Emit e -> mailbox.offer(() -> dispatch(Event.json(e.name(), e.data())));
            case Frame.BinaryEmit b -> mailbox.offer(() -> dispatch(Event.binary(b.name(), b.bytes())));
            case Frame.Call c -> {
                app.counts().calls[Counts.INBOUND].increment();
                yield mailbox.offer(() -> answer(c));
            }
            case Frame.Result r -> {
                calls.resolve(r.id(), r.ok(), r.value());
                yield true;
            }
        };
    }

    /** Queues a lifecycle task regardless of the limit (hooks, opening, closing). */
    void force(Runnable task) {
        mailbox.force(task);
    }

    /** Runs {@code hooks} in order on the mailbox; one that throws is logged and the rest still run. */
    void runHooks(Hooks hooks, String kind) {
        if (hooks.isEmpty()) {
            return;
        }
        mailbox.force(() -> {
            for (Runnable hook : hooks.snapshot()) {
                try {
                    hook.run();
                } catch (RuntimeException e) {
                    log.warn("{} hook of {} failed", kind, owner, e);
                }
            }
        });
    }

    /** The channel closed: every call still waiting for the client fails with {@code closed}. */
    void closeCalls() {
        calls.closeAll();
    }

    PageCalls calls() {
        return calls;
    }

    /** Tasks waiting in the mailbox (metrics). */
    int queued() {
        return mailbox.size();
    }

    /*
     * An event or call taken while the channel was open is handled even if the channel closed since:
     * a tab that raises an event and closes at once (its bye right behind the event) must not lose
     * the event. What the handler sends back then goes nowhere; its other effects (a broadcast, a
     * webhook) happen.
     */

    private void answer(Frame.Call call) {
        LongConsumer timer = app.counts().handlerTime();
        long start = timer == null ? 0 : System.nanoTime();
        DataFrame reply = calls.answer(call, app.codec(), owner);
        if (timer != null) {
            timer.accept(System.nanoTime() - start);
        }
        if (!closed.getAsBoolean()) {
            out.accept(reply);
        }
    }

    private void dispatch(Event event) {
        LongConsumer timer = app.counts().handlerTime();
        if (timer == null) {
            run(event);
            return;
        }
        long start = System.nanoTime();
        try {
            run(event);
        } finally {
            timer.accept(System.nanoTime() - start);
        }
    }

    private void run(Event event) {
        EventHandler handler = events.get(event.name());
        if (handler == null) {
            handler = other;
        }
        if (handler == null) {
            out.accept(app.codec().error("unknown_event", "no handler for event '" + event.name() + "'"));
            return;
        }
        try {
            handler.handle(event);
        } catch (EventException e) {
            out.accept(app.codec().error(e.code(), String.valueOf(e.getMessage())));
        } catch (Exception | Error e) {
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
            log.warn("handler of event '{}' on {} failed", event.name(), owner, e);
            out.accept(app.codec().error("handler_error", "the handler of event '" + event.name() + "' failed"));
        }
    }
}
