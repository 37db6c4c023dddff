package dev.pagewire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.pagewire.internal.Json;
import java.util.Objects;

/**
 * An event raised by a page: a name and either JSON data or binary bytes. Immutable.
 */
public final class Event {

    private final String name;
    private final JsonNode data;
    private final byte[] bytes;

    private Event(String name, JsonNode data, byte[] bytes) {
        this.name = Objects.requireNonNull(name, "name");
        this.data = data;
        this.bytes = bytes;
    }

    /**
     * {@return an event carrying JSON data}
     *
     * @param name the event's name; never {@code null}
     * @param data its data; {@code null} becomes JSON {@code null}
     */
    public static Event json(String name, JsonNode data) {
        return new Event(name, data == null ? NullNode.getInstance() : data, null);
    }

    /**
     * {@return an event carrying binary data}
     *
     * @param name the event's name; never {@code null}
     * @param bytes its data, copied: later changes to the array do not reach the event
     */
    public static Event binary(String name, byte[] bytes) {
        return new Event(name, NullNode.getInstance(), bytes.clone());
    }

    /** {@return the event's name; never {@code null}} */
    public String name() {
        return name;
    }

    /**
     * {@return the JSON data: JSON {@code null} when absent or when the event is binary; never
     * {@code null}}
     */
    public JsonNode data() {
        return data;
    }

    /** {@return whether this event carries binary data} */
    public boolean isBinary() {
        return bytes != null;
    }

    /** {@return a copy of the binary data, or {@code null} for a JSON event} */
    public byte[] bytes() {
        return bytes == null ? null : bytes.clone();
    }

    /** {@return the data as text: a JSON string's value, otherwise the JSON text of the data} */
    public String text() {
        return data.isTextual() ? data.textValue() : data.toString();
    }

    /**
     * The data converted to {@code type} with Jackson.
     *
     * @param <T> the type to convert to
     * @param type the class of that type: a record, a bean, a {@code Map}, a {@code String}...
     * @return the data as a {@code T}; {@code null} when the data is JSON {@code null}
     * @throws EventException with code {@code bad_data} if the data does not fit the type, so the
     *     browser learns what was wrong
     */
    public <T> T as(Class<T> type) {
        try {
            return Json.mapper().treeToValue(data, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new EventException("bad_data", "data of event '" + name + "' is not a " + type.getSimpleName());
        }
    }

    @Override
    public String toString() {
        return "Event[" + name + ", " + (bytes != null ? bytes.length + " bytes" : data) + "]";
    }
}
