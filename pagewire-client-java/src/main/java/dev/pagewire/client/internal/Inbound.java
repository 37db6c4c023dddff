package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * A frame from the server, parsed. A binary event has the layout of a text one, {@code ["ev",
 * name, null, s, a]}, so its numbers sit where §10.1 puts them, and its payload in {@link #bytes}.
 * A channel's frame ({@code [c, "ev", …]}, §12.1) reads like the page's own after its number:
 * {@link #type()} and {@link #at} skip it, {@link #channel()} tells it.
 *
 * @param frame the JSON array; its first element is a string, or a positive channel number and
 *     then a string
 * @param bytes the payload of a binary event, else {@code null}
 * @param offset 0 for a frame of the page's own channel, 1 for a channel's
 */
record Inbound(ArrayNode frame, byte[] bytes, int offset) {

    /** The channel's number, or 0 for the page's own channel. */
    long channel() {
        return offset == 0 ? 0 : frame.get(0).asLong();
    }

    String type() {
        return frame.get(offset).textValue();
    }

    /** The element at {@code index} after the channel number, or a missing node. */
    JsonNode at(int index) {
        return frame.path(offset + index);
    }
}
