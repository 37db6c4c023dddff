package dev.pagewire.internal.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.CallException;
import dev.pagewire.Page;
import dev.pagewire.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits, calls and closes addressed to a page by id ({@link dev.pagewire.PageRef}) that another node
 * owns: sent to the owner over the page's link, run there on the {@link Page}, and a call's reply
 * sent back. A call waiting here fails with {@code closed} when the link to the owner is lost or the
 * owner is gone, and with {@code timeout} a little after the owner's own deadline. Thread-safe.
 */
final class RemotePages {

    private static final Logger log = LoggerFactory.getLogger(RemotePages.class);
    /** Added to a call's timeout here, so that the owner's own timeout normally answers first. */
    private static final long MARGIN_MILLIS = 2_000;

    private record Pending(CompletableFuture<JsonNode> future, int owner, ScheduledFuture<?> timeout) {}

    private final Relay relay;
    private final AtomicLong callIds = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

    RemotePages(Relay relay) {
        this.relay = relay;
    }

    // ---- this node asks

    void emit(Relay.Link link, String pageId, String event, boolean binary, byte[] payload) {
        link.send(new Wire.Writer(Relay.PAGE_EMIT, 0, payload.length + 64)
                .str(pageId)
                .str(event)
                .i8(binary ? 1 : 0)
                .bytes(payload));
    }

    CompletableFuture<JsonNode> call(Relay.Link link, String pageId, String name, byte[] args, Duration timeout) {
        long id = callIds.incrementAndGet();
        CompletableFuture<JsonNode> future = new CompletableFuture<>();
        long millis = Math.max(1, Math.min(Integer.MAX_VALUE - MARGIN_MILLIS, timeout.toMillis()));
        ScheduledFuture<?> timer;
        try {
            timer = relay.app()
                    .scheduler()
                    .schedule(
                            () -> fail(id, "timeout", "no reply from the page's node within " + millis + " ms"),
                            millis + MARGIN_MILLIS,
                            TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new CallException("closed", "the application is closing"));
            return future;
        }
        pending.put(id, new Pending(future, link.peer, timer));
        link.send(new Wire.Writer(Relay.PAGE_CALL, id, args.length + 64)
                .str(pageId)
                .str(name)
                .bytes(args)
                .i32((int) millis));
        return future;
    }

    void close(Relay.Link link, String pageId) {
        link.send(new Wire.Writer(Relay.PAGE_CLOSE, 0, 64).str(pageId));
    }

    /** Calls waiting for node {@code node} fail: the link is lost or the node gone. */
    void lost(int node) {
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            if (e.getValue().owner() == node) {
                fail(e.getKey(), "closed", "lost the link to the page's node");
            }
        }
    }

    private void fail(long id, String code, String message) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.timeout().cancel(false);
            p.future().completeExceptionally(new CallException(code, message));
        }
    }

    // ---- messages

    void received(Relay.Link link, Wire.Reader in) {
        switch (in.type) {
            case Relay.PAGE_EMIT -> {
                String pageId = in.str();
                String event = in.str();
                boolean binary = in.i8() != 0;
                byte[] payload = in.bytes();
                Page page = relay.app().page(pageId);
                if (page != null) {
                    if (binary) {
                        page.emit(event, payload);
                    } else {
                        page.emit(event, json(payload));
                    }
                }
            }
            case Relay.PAGE_CALL -> {
                long id = in.tunnel;
                String pageId = in.str();
                String name = in.str();
                JsonNode args = json(in.bytes());
                Duration timeout = Duration.ofMillis(in.i32());
                Page page = relay.app().page(pageId);
                if (page == null) {
                    reply(link, id, null, new CallException("closed", "the page is gone"));
                    return;
                }
                page.call(name, args, timeout).whenComplete((result, error) -> reply(link, id, result, error));
            }
            case Relay.PAGE_CLOSE -> {
                Page page = relay.app().page(in.str());
                if (page != null) {
                    page.close();
                }
            }
            case Relay.PAGE_REPLY -> {
                Pending p = pending.remove(in.tunnel);
                if (p == null) {
                    return; // timed out here already
                }
                p.timeout().cancel(false);
                if (in.i8() != 0) {
                    p.future().complete(json(in.bytes()));
                } else {
                    p.future().completeExceptionally(new CallException(in.str(), in.str()));
                }
            }
            default -> throw new Wire.Malformed("type " + in.type + " is not a page message");
        }
    }

    private static void reply(Relay.Link link, long id, JsonNode result, Throwable error) {
        Wire.Writer out = new Wire.Writer(Relay.PAGE_REPLY, id, 128);
        if (error == null) {
            String text = result == null ? "null" : result.toString();
            out.i8(1).bytes(text.getBytes(StandardCharsets.UTF_8));
        } else {
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            String code = cause instanceof CallException c ? c.code() : "handler_error";
            out.i8(0).str(code).str(String.valueOf(cause.getMessage()));
        }
        link.send(out);
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return Json.mapper().readTree(bytes);
        } catch (IOException e) {
            log.error("a page message carried data that is not JSON: {}", e.getMessage());
            throw new Wire.Malformed("data that is not JSON");
        }
    }
}
