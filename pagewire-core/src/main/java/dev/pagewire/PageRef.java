package dev.pagewire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A page addressed by its id, wherever it lives: on this node, or on another node of the cluster
 * (docs/CLUSTER.md). For work that did not render the page — a background job, a webhook, another
 * page — that must reach it: {@code app.pageById(id).emit("order-shipped", order)}. The operations
 * travel to the node that owns the page and run there as the same calls on its {@link Page} would.
 *
 * <p>A reference is cheap and may be kept; it never keeps the page alive. A page that is gone (its
 * grace period ended, its node died) ignores {@code emit} and {@code close}, and fails calls with
 * {@link CallException} code {@code "closed"}.
 *
 * <p>Threads: every method is thread-safe and never blocks.
 */
public interface PageRef {

    /** {@return the page's id ({@link Page#id()})} */
    String id();

    /**
     * Sends an event to the page's browser, as {@link Page#emit(String, Object)} on its node. Across
     * nodes the data travels as JSON, so it is converted here; order is kept among the emits of one
     * thread to one page.
     *
     * @param event the event's name
     * @param data anything Jackson converts to JSON, or {@code null}
     * @throws IllegalArgumentException as {@link Page#emit(String, Object)}
     */
    void emit(String event, Object data);

    /**
     * Sends a binary event, as {@link Page#emit(String, byte[])}.
     *
     * @param event the event's name
     * @param bytes the data, copied before this returns
     */
    void emit(String event, byte[] bytes);

    /**
     * Calls the page's browser, as {@link Page#call(String, Object)}, with the application's
     * {@link Settings#callTimeout()}.
     *
     * @param name the name the browser's handler was registered under
     * @param args anything Jackson converts to JSON, or {@code null}
     * @return the browser's reply; fails with {@link CallException} as
     *     {@link #call(String, Object, Duration)} says
     */
    CompletableFuture<JsonNode> call(String name, Object args);

    /**
     * Calls the handler the page's browser registered under {@code name}, as
     * {@link Page#call(String, Object, Duration)} on its node, and returns the reply. The future also
     * fails with code {@code "closed"} when the page is gone or its node cannot be reached.
     *
     * @param name the name the browser's handler was registered under
     * @param args anything Jackson converts to JSON, or {@code null}
     * @param timeout how long to wait for the reply before failing with code {@code "timeout"}
     * @return the browser's reply, or a {@link CallException}
     */
    CompletableFuture<JsonNode> call(String name, Object args, Duration timeout);

    /** Closes the page, as {@link Page#close()}. */
    void close();
}
