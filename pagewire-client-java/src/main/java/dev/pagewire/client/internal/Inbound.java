package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * A frame from the server, parsed. A binary event has the layout of a text one, {@code ["ev",
 * name, null, s, a]}, so its numbers sit where §10.1 puts them, and its payload in {@link #bytes}.
 *
 * @param frame the JSON array; its first element is a string
 * @param bytes the payload of a binary event, else {@code null}
 */
record Inbound(ArrayNode frame, byte[] bytes) {

    String type() {
        return frame.get(0).textValue();
    }

    /** The element at {@code index}, or a missing node. */
    JsonNode at(int index) {
        return frame.path(index);
    }
}
