package dev.pagewire.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Encodes the client's frames and parses the server's (docs/PROTOCOL.md §3, §10.1). Stateless. */
final class Frames {

    /** Longest event or call name, in characters. */
    static final int MAX_NAME_LENGTH = 128;

    static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Frames() {}

    /** {@code value} as JSON; {@code null} is JSON null. */
    static JsonNode toJson(Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        try {
            return MAPPER.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "cannot convert a " + value.getClass().getName() + " to JSON: " + e.getMessage(), e);
        }
    }

    static String text(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    static String checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("a name must be 1 to " + MAX_NAME_LENGTH + " characters, got "
                    + (name == null ? "null" : name.length() + " characters"));
        }
        return name;
    }

    /** {@code start} (the frame's JSON text so far, without the closing bracket) with its numbers. */
    static Outgoing.Text numbered(String start, long seq, long ack) {
        return new Outgoing.Text(start + "," + seq + (ack > 0 ? "," + ack : "") + "]");
    }

    /** What every frame of channel {@code channel} starts with: {@code [} for the page's own (0), {@code [c,} (§12.1). */
    static String head(long channel) {
        return channel == 0 ? "[" : "[" + channel + ",";
    }

    /** The opening of an {@code ev} frame: {@code ["ev",name,data}, after {@code head}. */
    static String eventStart(String head, String name, JsonNode data) {
        return head + "\"ev\"," + quote(name) + "," + text(data);
    }

    static String quote(String s) {
        return text(MAPPER.getNodeFactory().textNode(s));
    }

    /** uint32 BE header length, UTF-8 {@code ["ev",name,s(,a)]} after {@code head}, payload (§3, §10.1, §12.1). */
    static Outgoing.Binary binary(String head, String name, byte[] payload, long seq, long ack) {
        byte[] header = (head + "\"ev\"," + quote(name) + "," + seq + (ack > 0 ? "," + ack : "") + "]")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(4 + header.length + payload.length);
        out.putInt(header.length).put(header).put(payload);
        return new Outgoing.Binary(out.array());
    }

    /** Parses a text frame: the page's own ({@code ["type", …]}) or a channel's ({@code [c, "type", …]}). */
    static Inbound parse(String text) throws IOException {
        JsonNode node = MAPPER.readTree(text);
        if (!(node instanceof ArrayNode array)) {
            throw new IOException("not a JSON array");
        }
        return new Inbound(array, null, offset(array));
    }

    /** 0 for a frame of the page's own channel, 1 for one that starts with a channel number. */
    private static int offset(ArrayNode array) throws IOException {
        if (array.path(0).isTextual()) {
            return 0;
        }
        if (array.path(0).isIntegralNumber()
                && array.path(0).asLong() > 0
                && array.path(1).isTextual()) {
            return 1;
        }
        throw new IOException("not a JSON array starting with a type, or a channel number and a type");
    }

    /** Parses a binary frame into the layout of a text {@code ev} frame. */
    static Inbound parse(ByteBuffer data) throws IOException {
        if (data.remaining() < 4) {
            throw new IOException("binary message shorter than its length prefix");
        }
        int length = data.getInt();
        if (length < 0 || length > data.remaining()) {
            throw new IOException("binary header longer than the message");
        }
        byte[] header = new byte[length];
        data.get(header);
        JsonNode node = MAPPER.readTree(header);
        int offset = node instanceof ArrayNode a ? offset(a) : -1;
        if (!(node instanceof ArrayNode array)
                || !"ev".equals(array.path(offset).textValue())
                || !array.path(offset + 1).isTextual()) {
            throw new IOException("binary header is not [\"ev\", name, seq] or [c, \"ev\", name, seq]");
        }
        byte[] payload = new byte[data.remaining()];
        data.get(payload);
        ArrayNode frame = MAPPER.createArrayNode();
        for (int i = 0; i <= offset + 1; i++) {
            frame.add(array.get(i));
        }
        frame.addNull();
        for (int i = offset + 2; i < array.size(); i++) {
            frame.add(array.get(i));
        }
        return new Inbound(frame, payload, offset);
    }

    static byte[] copy(byte[] bytes) {
        return Arrays.copyOf(bytes, bytes.length);
    }
}
