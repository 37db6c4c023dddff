package dev.pagewire.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.CallHandler;
import dev.pagewire.Channel;
import dev.pagewire.EventHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the two kinds of {@link Channel}, a page's own ({@link LivePage}) and one to an endpoint
 * ({@link EndpointChannel}), do alike: events and calls go to the channel's {@link Handlers},
 * topics to its {@link Memberships}, and emits are encoded here and sent with {@link #send}. Each
 * kind says what it is ({@code path}, {@code params}, {@code page}), how its frames reach the
 * client ({@link #send}), when and how it closes, and keeps its own hooks.
 *
 * <p>Thread-safe, as {@link Channel} promises: what it delegates to is.
 */
abstract sealed class AbstractChannel implements Channel, TopicMember permits LivePage, EndpointChannel {

    /** The channel's event handlers, calls both ways and mailbox. */
    final Handlers handlers;
    /** The topics the channel is in. */
    final Memberships topics;
    /** What the MDC holds while the channel's code runs. */
    final LogContext logContext;

    /**
     * @param unseen whether its topics count it as a member only once it first connects
     * @param logContext what the MDC holds while its handlers run
     */
    AbstractChannel(App app, boolean unseen, LogContext logContext) {
        this.logContext = logContext;
        this.handlers = new Handlers(app, this, this::send, this::isClosed, logContext);
        this.topics = new Memberships(app.topics(), this, this::isClosed, unseen);
    }

    /** The application, with its internals: its codec and settings. */
    abstract App application();

    @Override
    public void on(String event, EventHandler handler) {
        handlers.on(event, handler);
    }

    @Override
    public void handle(String name, CallHandler handler) {
        handlers.handle(name, handler);
    }

    @Override
    public void onOther(EventHandler handler) {
        handlers.onOther(handler);
    }

    @Override
    public void handleOther(CallHandler handler) {
        handlers.handleOther(handler);
    }

    @Override
    public CompletableFuture<JsonNode> call(String name, Object args) {
        return call(name, args, application().settings().callTimeout());
    }

    @Override
    public CompletableFuture<JsonNode> call(String name, Object args, Duration timeout) {
        return handlers.call(name, args, timeout);
    }

    @Override
    public void emit(String event, Object data) {
        send(application().codec().event(event, data));
    }

    @Override
    public void emit(String event, byte[] bytes) {
        send(application().codec().binaryEvent(event, Objects.requireNonNull(bytes, "bytes")));
    }

    @Override
    public void join(String topic) {
        join(topic, null);
    }

    @Override
    public void join(String topic, Object presence) {
        topics.join(topic, presence);
    }

    @Override
    public void leave(String topic) {
        topics.leave(topic);
    }

    @Override
    public Set<String> topics() {
        return topics.topics();
    }
}
