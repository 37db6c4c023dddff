package dev.pagewire.client.internal;

import java.util.Base64;

/** One frame on its way to the server: a text frame or a binary one (docs/PROTOCOL.md §3). */
sealed interface Outgoing {

    /** The frame as a fallback's frame line (§8.1). */
    String line();

    /** A JSON text frame. */
    record Text(String text) implements Outgoing {
        @Override
        public String line() {
            return text;
        }
    }

    /** A binary frame: length-prefixed header, then the payload. */
    record Binary(byte[] bytes) implements Outgoing {
        @Override
        public String line() {
            return "~" + Base64.getEncoder().encodeToString(bytes);
        }
    }

    Text PONG = new Text("[\"pong\"]");
    Text BYE = new Text("[\"bye\"]");
}
