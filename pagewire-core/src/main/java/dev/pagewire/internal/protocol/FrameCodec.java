package dev.pagewire.internal.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pagewire.internal.Json;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.OutFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes Pagewire frames (docs/PROTOCOL.md §3). Decoding enforces the JSON depth limit
 * and the frame shapes; every violation is a {@link ProtocolException} with close code
 * {@link CloseCodes#BAD_FRAME}. Thread-safe.
 */
public final class FrameCodec {

    /** Longest event name, in characters. */
    public static final int MAX_NAME_LENGTH = 128;

    private static final int PROTOCOL_VERSION = 1;

    private final ObjectMapper reader;
    private final JsonFactory writerFactory = Json.mapper().getFactory();

    public FrameCodec(int maxJsonDepth, int maxMessageBytes) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxJsonDepth)
                        .maxStringLength(Math.max(maxMessageBytes, 1))
                        .build())
                .build();
        this.reader = JsonMapper.builder(factory).build();
    }

    /** Decodes a text frame. */
    public Frame decode(String text) throws ProtocolException {
        try (JsonParser p = reader.createParser(text)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw bad("frame is not a JSON array");
            }
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw bad("frame type must be a string");
            }
            String type = p.getText();
            Frame frame = switch (type) {
                case "ev" -> {
                    String name = readName(p);
                    JsonToken t = p.nextToken();
                    if (t == null || t == JsonToken.END_ARRAY) {
                        yield new Frame.Emit(name, null);
                    }
                    JsonNode data = reader.readTree(p);
                    yield new Frame.Emit(name, data);
                }
                case "ping" -> new Frame.Ping();
                case "pong" -> new Frame.Pong();
                case "bye" -> new Frame.Bye();
                default -> throw bad("unknown frame type '" + abbreviate(type) + "'");
            };
            skipToEnd(p);
            if (p.nextToken() != null) {
                throw bad("trailing data after frame");
            }
            return frame;
        } catch (JsonProcessingException e) {
            throw bad("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw bad("unreadable frame");
        }
    }

    /**
     * Decodes a binary frame: a uint32 big-endian header length, the UTF-8 JSON header
     * {@code ["ev", name]}, then the payload.
     */
    public Frame decodeBinary(byte[] message) throws ProtocolException {
        if (message.length < 4) {
            throw bad("binary frame shorter than its length prefix");
        }
        ByteBuffer buf = ByteBuffer.wrap(message);
        long headerLength = Integer.toUnsignedLong(buf.getInt());
        if (headerLength > message.length - 4) {
            throw bad("binary frame header length " + headerLength + " exceeds the frame");
        }
        try (JsonParser p = reader.createParser(message, 4, (int) headerLength)) {
            if (p.nextToken() != JsonToken.START_ARRAY
                    || p.nextToken() != JsonToken.VALUE_STRING
                    || !"ev".equals(p.getText())) {
                throw bad("binary frame header must be [\"ev\", name]");
            }
            String name = readName(p);
            skipToEnd(p);
            if (p.nextToken() != null) {
                throw bad("trailing data after binary frame header");
            }
            byte[] payload = new byte[message.length - 4 - (int) headerLength];
            System.arraycopy(message, 4 + (int) headerLength, payload, 0, payload.length);
            return new Frame.BinaryEmit(name, payload);
        } catch (JsonProcessingException e) {
            throw bad("malformed binary frame header: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw bad("unreadable binary frame header");
        }
    }

    /** {@code ["hello", {"v":1, "page":id, "heartbeat":ms}]}. */
    public OutFrame hello(String pageId, long heartbeatMillis) {
        return text(g -> {
            g.writeStartArray();
            g.writeString("hello");
            g.writeStartObject();
            g.writeNumberField("v", PROTOCOL_VERSION);
            g.writeStringField("page", pageId);
            g.writeNumberField("heartbeat", heartbeatMillis);
            g.writeEndObject();
            g.writeEndArray();
        });
    }

    /**
     * {@code ["ev", name, data]}, with {@code data} converted by Jackson.
     *
     * @throws IllegalArgumentException if {@code data} cannot be written as JSON
     */
    public OutFrame event(String name, Object data) {
        checkName(name);
        return text(g -> {
            g.writeStartArray();
            g.writeString("ev");
            g.writeString(name);
            if (data == null) {
                g.writeNull();
            } else {
                Json.mapper().writeValue(g, data);
            }
            g.writeEndArray();
        });
    }

    /** A binary event frame. */
    public OutFrame binaryEvent(String name, byte[] bytes) {
        checkName(name);
        byte[] header = text(g -> {
            g.writeStartArray();
            g.writeString("ev");
            g.writeString(name);
            g.writeEndArray();
        }).payload();
        ByteBuffer buf = ByteBuffer.allocate(4 + header.length + bytes.length);
        buf.putInt(header.length).put(header).put(bytes);
        return new OutFrame(true, buf.array());
    }

    /** {@code ["err", code, message]}. */
    public OutFrame error(String code, String message) {
        return text(g -> {
            g.writeStartArray();
            g.writeString("err");
            g.writeString(code);
            g.writeString(message);
            g.writeEndArray();
        });
    }

    /** {@code ["ping"]}. */
    public OutFrame ping() {
        return PING;
    }

    /** {@code ["pong"]}. */
    public OutFrame pong() {
        return PONG;
    }

    private static final OutFrame PING = new OutFrame(false, "[\"ping\"]".getBytes(StandardCharsets.UTF_8));
    private static final OutFrame PONG = new OutFrame(false, "[\"pong\"]".getBytes(StandardCharsets.UTF_8));

    /** Checks an event name as both sides must (non-empty, at most {@value #MAX_NAME_LENGTH} chars). */
    public static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(
                    "event name must be 1 to " + MAX_NAME_LENGTH + " characters, got "
                            + (name == null ? "null" : "'" + abbreviate(name) + "'"));
        }
    }

    private static String readName(JsonParser p) throws IOException, ProtocolException {
        if (p.nextToken() != JsonToken.VALUE_STRING) {
            throw bad("event name must be a string");
        }
        String name = p.getText();
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw bad("event name must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        return name;
    }

    /** Skips elements a newer peer may append, up to the frame's closing bracket. */
    private static void skipToEnd(JsonParser p) throws IOException, ProtocolException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.END_ARRAY && p.getParsingContext().inRoot()) {
            return;
        }
        while ((t = p.nextToken()) != null) {
            if (t == JsonToken.END_ARRAY && p.getParsingContext().inRoot()) {
                return;
            }
            p.skipChildren();
        }
        throw bad("unterminated frame");
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(CloseCodes.BAD_FRAME, message);
    }

    private static String abbreviate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "…";
    }

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private OutFrame text(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = writerFactory.createGenerator(out)) {
            writer.write(g);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot encode frame as JSON: " + e.getMessage(), e);
        }
        return new OutFrame(false, out.toByteArray());
    }
}
