package dev.pagewire.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagewire.Channel;
import dev.pagewire.Event;
import dev.pagewire.EventException;
import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a page and its endpoint channels raise into webhooks (docs/GATEWAY.md, "Webhooks"), and
 * their answers into actions: installs the catch-all handlers and lifecycle hooks. Everything here
 * runs on a page's or channel's virtual thread (Pagewire runs a channel's handlers and hooks one at
 * a time, in order, on its mailbox) and blocks it while the backend answers; the page's lock makes
 * its channels' webhooks take turns with its own. Thread-safe.
 */
final class PageWebhooks {

    private static final Logger log = LoggerFactory.getLogger(PageWebhooks.class);

    private final Pagewire app;
    private final Webhooks webhooks;
    private final int maxContextBytes;
    private final BooleanSupplier shuttingDown;

    PageWebhooks(Pagewire app, Webhooks webhooks, int maxContextBytes, BooleanSupplier shuttingDown) {
        this.app = app;
        this.webhooks = webhooks;
        this.maxContextBytes = maxContextBytes;
        this.shuttingDown = shuttingDown;
    }

    /** Sends a rendered page's events, calls and lifecycle to its webhook. */
    void install(GatewayPage gp, Page page) {
        page.onOther(event -> {
            WebhookActions actions = deliver(gp, gp.webhook(), "event", b -> event(b, "event", "data", event));
            act(gp, page, actions, "event");
            throwError(actions);
        });
        page.handleOther(call -> {
            WebhookActions actions = deliver(gp, gp.webhook(), "call", b -> event(b, "name", "args", call));
            act(gp, page, actions, "call");
            throwError(actions);
            return actions.reply() == null ? NullNode.getInstance() : actions.reply();
        });
        page.onConnect(() -> {
            gp.connected();
            lifecycle(gp, page, gp.webhook(), "connected", b -> b.put("transport", page.transport()));
        });
        page.onDisconnect(() -> lifecycle(gp, page, gp.webhook(), "disconnected", b -> {}));
        page.onClose(() -> lifecycle(
                gp,
                page,
                gp.webhook(),
                "closed",
                b -> b.put("reason", gp.closeReason(shuttingDown.getAsBoolean()).text())));
    }

    /**
     * Sends an admitted endpoint channel's events, calls and close to {@code url} (the endpoint's
     * path on the backend).
     */
    void installChannel(GatewayPage gp, Channel channel, String endpoint, String channelId, URI url) {
        Consumer<ObjectNode> about = b -> b.put("endpoint", endpoint).put("channel", channelId);
        channel.onOther(event -> {
            WebhookActions actions =
                    deliver(gp, url, "channel-event", about.andThen(b -> event(b, "event", "data", event)));
            act(gp, channel, actions, "channel-event");
            throwError(actions);
        });
        channel.handleOther(call -> {
            WebhookActions actions =
                    deliver(gp, url, "channel-call", about.andThen(b -> event(b, "name", "args", call)));
            act(gp, channel, actions, "channel-call");
            throwError(actions);
            return actions.reply() == null ? NullNode.getInstance() : actions.reply();
        });
        channel.onClose(() -> lifecycle(gp, channel, url, "channel-closed", about));
    }

    /**
     * Delivers one webhook and reads its answer: one of the page's webhooks at a time.
     *
     * @throws EventException {@code webhook_failed} when no attempt was answered or the answer is
     *     malformed, {@code webhook_refused} for a final status other than {@code 2xx}
     */
    WebhookActions deliver(GatewayPage gp, URI url, String type, Consumer<ObjectNode> fields) {
        Delivery delivery = post(gp, url, type, fields);
        return switch (delivery) {
            case Delivery.Failed f -> {
                log.warn("webhook {} of page {} to {} failed: {}", type, gp.id(), url.getRawPath(), f.reason());
                throw new EventException("webhook_failed", "the server could not take this " + noun(type) + " now");
            }
            case Delivery.Answered a
            when !a.ok() -> {
                log.warn(
                        "webhook {} of page {} to {} was refused with status {}",
                        type,
                        gp.id(),
                        url.getRawPath(),
                        a.status());
                throw new EventException("webhook_refused", "the server refused this " + noun(type));
            }
            case Delivery.Answered a -> actions(gp, url, type, a.body());
        };
    }

    /** The actions of a {@code 2xx} answer's body; {@code webhook_failed} when it is malformed. */
    WebhookActions actions(GatewayPage gp, URI url, String type, byte[] body) {
        try {
            return WebhookActions.parse(body, maxContextBytes);
        } catch (WebhookActions.Malformed e) {
            log.warn(
                    "webhook {} of page {} to {}: the answer is refused: {}",
                    type,
                    gp.id(),
                    url.getRawPath(),
                    e.getMessage());
            throw new EventException(
                    "webhook_failed", "the server's answer to this " + noun(type) + " was not understood");
        }
    }

    /**
     * Posts one webhook with the fields every body has, then {@code fields}; takes the page's turn.
     * Blocks.
     */
    Delivery post(GatewayPage gp, URI url, String type, Consumer<ObjectNode> fields) {
        gp.order().lock();
        try {
            String key = gp.nextKey();
            ObjectNode body = WebhookActions.JSON.createObjectNode();
            body.put("type", type).put("page", gp.id()).put("path", gp.path()).put("context", gp.context());
            body.put("key", key);
            fields.accept(body);
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            return webhooks.post(url, key, bytes, type + " of page " + gp.id());
        } finally {
            gp.order().unlock();
        }
    }

    /** Applies an answer's actions to {@code target}; a conflict with Pagewire's limits fails the webhook. */
    void act(GatewayPage gp, Channel target, WebhookActions actions, String type) {
        try {
            actions.apply(app, target, gp::context);
        } catch (IllegalArgumentException e) {
            log.warn("webhook {} of page {}: the answer's actions are refused: {}", type, gp.id(), e.getMessage());
            throw new EventException(
                    "webhook_failed", "the server's answer to this " + noun(type) + " could not be applied");
        }
    }

    private void lifecycle(GatewayPage gp, Channel target, URI url, String type, Consumer<ObjectNode> fields) {
        if (url == null) {
            return;
        }
        try {
            WebhookActions actions = deliver(gp, url, type, fields);
            act(gp, target, actions, type);
            if (actions.error() != null) {
                log.info(
                        "webhook {} of page {} answered error {}",
                        type,
                        gp.id(),
                        actions.error().code());
            }
        } catch (EventException e) {
            // Logged where it happened; a lifecycle change has no one to tell.
        }
    }

    private static void throwError(WebhookActions actions) {
        if (actions.error() != null) {
            throw new EventException(actions.error().code(), actions.error().message());
        }
    }

    /** Adds an event's or call's name and data: JSON as it is, binary as base64 in {@code bytes}. */
    private static void event(ObjectNode body, String nameField, String dataField, Event event) {
        body.put(nameField, event.name());
        JsonNode data = event.data();
        body.set(dataField, data);
        if (event.isBinary()) {
            body.put("bytes", Base64.getEncoder().encodeToString(event.bytes()));
        }
    }

    private static String noun(String type) {
        return type.endsWith("call") ? "call" : type.equals("open") ? "channel" : "event";
    }
}
