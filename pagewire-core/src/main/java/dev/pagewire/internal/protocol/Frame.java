package dev.pagewire.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** A decoded inbound frame (docs/PROTOCOL.md §3). */
public sealed interface Frame {

    /** An event with JSON data. */
    record Emit(String name, JsonNode data) implements Frame {}

    /** An event with binary data. */
    record BinaryEmit(String name, byte[] bytes) implements Frame {}

    /** Liveness probe; answer with pong. */
    record Ping() implements Frame {}

    /** Answer to a ping. */
    record Pong() implements Frame {}

    /** The page is going away for good. */
    record Bye() implements Frame {}
}
