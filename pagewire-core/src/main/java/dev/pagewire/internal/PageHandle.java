package dev.pagewire.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.CallException;
import dev.pagewire.PageRef;
import dev.pagewire.internal.protocol.FrameCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link PageRef}: each operation looks the page up when it runs, here or on its owner through the
 * relay, so the reference never holds a page. Immutable.
 */
final class PageHandle implements PageRef {

    private final App app;
    private final String id;

    PageHandle(App app, String id) {
        this.app = app;
        this.id = Objects.requireNonNull(id, "id");
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void emit(String event, Object data) {
        LivePage page = app.pages().get(id);
        if (page != null) {
            page.emit(event, data);
            return;
        }
        FrameCodec.checkEmitName(event);
        int owner = app.relay().ownerElsewhere(id);
        if (owner != 0) {
            byte[] json = Json.mapper().valueToTree(data).toString().getBytes(StandardCharsets.UTF_8);
            app.relay().emit(owner, id, event, false, json);
        }
    }

    @Override
    public void emit(String event, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        LivePage page = app.pages().get(id);
        if (page != null) {
            page.emit(event, bytes);
            return;
        }
        FrameCodec.checkEmitName(event);
        int owner = app.relay().ownerElsewhere(id);
        if (owner != 0) {
            app.relay().emit(owner, id, event, true, bytes.clone());
        }
    }

    @Override
    public CompletableFuture<JsonNode> call(String name, Object args) {
        return call(name, args, app.settings().callTimeout());
    }

    @Override
    public CompletableFuture<JsonNode> call(String name, Object args, Duration timeout) {
        LivePage page = app.pages().get(id);
        if (page != null) {
            return page.call(name, args, timeout);
        }
        FrameCodec.checkName(name);
        JsonNode json = Json.mapper().valueToTree(args);
        int owner = app.relay().ownerElsewhere(id);
        if (owner == 0) {
            return CompletableFuture.failedFuture(new CallException("closed", "no such page: " + id));
        }
        return app.relay().call(owner, id, name, json.toString().getBytes(StandardCharsets.UTF_8), timeout);
    }

    @Override
    public void close() {
        LivePage page = app.pages().get(id);
        if (page != null) {
            page.close();
            return;
        }
        int owner = app.relay().ownerElsewhere(id);
        if (owner != 0) {
            app.relay().close(owner, id);
        }
    }

    @Override
    public String toString() {
        return "PageRef[" + id + "]";
    }
}
