package dev.pagewire.spi;

import java.nio.charset.StandardCharsets;

/**
 * An encoded frame ready for the wire: the UTF-8 bytes of a text frame, or a binary frame. Encoded
 * once and shared by every connection it is sent to (a topic broadcast), so the bytes must never be
 * modified.
 *
 * @param binary whether this is a binary frame
 * @param payload the frame's bytes; shared, read-only by contract
 */
public record OutFrame(boolean binary, byte[] payload) {

    /** {@return the frame's size on the wire, in bytes, not counting transport framing} */
    public int size() {
        return payload.length;
    }

    /** {@return the text of a text frame (for logs and tests)} */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return binary ? "OutFrame[" + payload.length + " bytes]" : "OutFrame[" + text() + "]";
    }
}
