package dev.pagewire.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.Access;
import dev.pagewire.ChannelRequest;
import dev.pagewire.EventException;
import dev.pagewire.Page;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Endpoint channels through the gateway (docs/GATEWAY.md, "Endpoints"): each open asks the backend
 * with an {@code open} webhook to the endpoint's path; a {@code 2xx} admits the channel and its
 * answer's actions set it up, a {@code 403} refuses it with the answer's {@code error.message}, a
 * {@code 404} says there is no such endpoint, anything else refuses it with a generic reason. The
 * authorizer runs on the opening channel's virtual thread, and blocks it. Thread-safe.
 */
final class GatewayEndpoints {

    private static final Logger log = LoggerFactory.getLogger(GatewayEndpoints.class);

    /** The reason a client sees when the backend could not be asked, or answered neither yes nor no. */
    static final String UNAVAILABLE = "the endpoint is not available now";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final URI backend;
    private final PageWebhooks hooks;
    private final Function<Page, GatewayPage> pages;
    private final Consumer<GatewayPage> admittedConnection;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param backend the backend's base URL (with its path prefix, if any)
     * @param pages the gateway's record of a page; {@code null} for a page that is not one of the gateway's
     * @param admittedConnection takes an endpoint connection of another origin once admitted
     */
    GatewayEndpoints(
            URI backend,
            PageWebhooks hooks,
            Function<Page, GatewayPage> pages,
            Consumer<GatewayPage> admittedConnection) {
        this.backend = backend;
        this.hooks = hooks;
        this.pages = pages;
        this.admittedConnection = admittedConnection;
    }

    /** The {@link dev.pagewire.Authorizer} of every endpoint the gateway serves. Blocks. */
    Access authorize(ChannelRequest request) {
        String endpoint = request.path();
        URI url;
        try {
            url = URI.create(Backend.base(backend) + endpoint);
        } catch (IllegalArgumentException e) {
            return Access.deny(truncate("no endpoint at " + endpoint));
        }
        GatewayPage gp;
        String channelId;
        boolean connection = request.page() == null;
        if (connection) {
            // A page of another origin: its page exists once admitted; until then its channel's id names it.
            byte[] id = new byte[12];
            random.nextBytes(id);
            channelId = B64.encodeToString(id);
            gp = new GatewayPage(channelId, endpoint, null);
        } else {
            gp = pages.apply(request.page());
            if (gp == null) {
                return Access.deny(UNAVAILABLE);
            }
            channelId = gp.nextChannelId();
        }
        JsonNode params = request.params();
        Delivery delivery = hooks.post(gp, url, "open", b -> {
            b.put("endpoint", endpoint).put("channel", channelId);
            b.set("params", params);
        });
        return switch (delivery) {
            case Delivery.Failed f -> {
                log.warn("webhook open of {} by page {} failed: {}", url.getRawPath(), gp.id(), f.reason());
                yield Access.deny(UNAVAILABLE);
            }
            case Delivery.Answered a when a.ok() -> admit(gp, url, endpoint, channelId, a.body(), connection);
            case Delivery.Answered a when a.status() == 403 -> Access.deny(refusal(gp, url, a.body()));
            case Delivery.Answered a when a.status() == 404 -> Access.deny(truncate("no endpoint at " + endpoint));
            case Delivery.Answered a -> {
                log.warn("webhook open of {} by page {} answered status {}", url.getRawPath(), gp.id(), a.status());
                yield Access.deny(UNAVAILABLE);
            }
        };
    }

    private Access admit(GatewayPage gp, URI url, String endpoint, String channelId, byte[] body, boolean connection) {
        WebhookActions actions;
        try {
            actions = hooks.actions(gp, url, "open", body);
        } catch (EventException e) {
            return Access.deny(UNAVAILABLE);
        }
        if (actions.error() != null) {
            return Access.deny(truncate(actions.error().message()));
        }
        return Access.grant(channel -> {
            if (connection && channel instanceof Page page) {
                gp.admitted(page);
            }
            hooks.installChannel(gp, channel, endpoint, channelId, url);
            if (connection) {
                admittedConnection.accept(gp);
            }
            hooks.act(gp, channel, actions, "open");
        });
    }

    /** A {@code 403}'s reason: the answer's {@code error.message}, else a generic one. */
    private String refusal(GatewayPage gp, URI url, byte[] body) {
        try {
            WebhookActions actions = WebhookActions.parse(body, Integer.MAX_VALUE);
            if (actions.error() != null) {
                return truncate(actions.error().message());
            }
        } catch (WebhookActions.Malformed e) {
            log.warn(
                    "webhook open of {} by page {}: the 403's answer is refused: {}",
                    url.getRawPath(),
                    gp.id(),
                    e.getMessage());
        }
        return "refused";
    }

    /** A reason cut to what a close frame carries (123 bytes of UTF-8), never empty. */
    static String truncate(String reason) {
        if (reason == null || reason.isEmpty()) {
            return "refused";
        }
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= Access.MAX_REASON_BYTES) {
            return reason;
        }
        int end = reason.length();
        while (reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > Access.MAX_REASON_BYTES - 3) {
            end--;
            if (Character.isLowSurrogate(reason.charAt(end)) && end > 0) {
                end--;
            }
        }
        return reason.substring(0, end) + "...";
    }
}
