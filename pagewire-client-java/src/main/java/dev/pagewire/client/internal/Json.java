package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** The client's JSON conversion, for the public API. */
public final class Json {

    private Json() {}

    /**
     * {@code value} as JSON with Jackson; {@code null} is JSON null.
     *
     * @throws IllegalArgumentException if it cannot be converted
     */
    public static JsonNode toJson(Object value) {
        return Frames.toJson(value);
    }
}
