package dev.pagewire.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A topic member's presence data as it travels between nodes: converted to JSON once when the
 * member joins, as UTF-8 JSON text, and read back into a tree by every node.
 */
final class Presence {

    private static final Logger log = LoggerFactory.getLogger(Presence.class);

    private Presence() {}

    /**
     * {@code presence} as JSON text in UTF-8; {@code null} is JSON {@code null}.
     *
     * @throws IllegalArgumentException if Jackson cannot convert it
     */
    static byte[] json(Object presence) {
        try {
            return Json.mapper().writeValueAsBytes(presence);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("presence cannot be converted to JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The presence {@link #json} wrote, on any node. JSON {@code null} if the bytes are not JSON, which
     * only a node of another version or a broken backplane sends: logged, the member still counts.
     */
    static JsonNode parse(byte[] json) {
        try {
            JsonNode tree = Json.mapper().readTree(json);
            return tree == null || tree.isMissingNode() ? NullNode.getInstance() : tree;
        } catch (IOException e) {
            log.error("a topic member's presence is not JSON ({} bytes); taken as null", json.length, e);
            return NullNode.getInstance();
        }
    }
}
