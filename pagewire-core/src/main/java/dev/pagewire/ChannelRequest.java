package dev.pagewire;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A request to open a channel to an endpoint, as its {@link Authorizer} sees it.
 *
 * @param path the endpoint's path
 * @param params the parameters the client passed ({@code pagewire.open(path, params)}); JSON
 *     {@code null} when none, never {@code null}
 * @param origin the {@code Origin} of an endpoint connection's opening request (docs/PROTOCOL.md
 *     §12.2), already checked against {@link Settings#allowedOrigins()}; {@code null} for a
 *     channel on a page's connection (same origin) and for clients that send none
 * @param page the page opening the channel on its own connection; {@code null} for an endpoint
 *     connection, whose page does not exist until the channel is admitted
 */
public record ChannelRequest(String path, JsonNode params, String origin, Page page) {
    /**
     * Checks the fields that are never {@code null}.
     *
     * @throws NullPointerException if {@code path} or {@code params} is {@code null}
     */
    public ChannelRequest {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(params, "params");
    }
}
