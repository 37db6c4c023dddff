package dev.pagewire.internal.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pagewire.internal.Json;
import dev.pagewire.internal.Utf8;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.OutFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes Pagewire frames (docs/PROTOCOL.md §3, §10, §11). Decoding enforces the JSON depth limit
 * and the frame shapes; every violation is a {@link ProtocolException} with close code
 * {@link CloseCodes#BAD_FRAME}. Thread-safe.
 */
public final class FrameCodec {

    /** Longest event name, in characters. */
    public static final int MAX_NAME_LENGTH = 128;

    /**
     * The prefix of Pagewire's own events to the browser ({@code pagewire:join}, …, docs/PROTOCOL.md
     * §3); application code may listen to such names but not emit them.
     */
    public static final String SYSTEM_PREFIX = "pagewire:";

    private static final int PROTOCOL_VERSION = 1;

    private final ObjectMapper reader;
    /** {@link #reader} for whole documents: one value and nothing after it. */
    private final ObjectReader documents;

    private final JsonFactory writerFactory = Json.mapper().getFactory();

    public FrameCodec(int maxJsonDepth, int maxMessageBytes) {
        JsonFactory factory = Json.factory()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxJsonDepth)
                        .maxStringLength(Math.max(maxMessageBytes, 1))
                        .build())
                .build();
        this.reader = JsonMapper.builder(factory).build();
        this.documents = reader.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * Reads a JSON text that is one value, under the same depth and size limits as frames; anything
     * but whitespace after the value is an error (Jackson ignores it by default, so an endpoint
     * open's body of an empty object and more JSON was read as the empty object, found by
     * EndpointOpensFuzzTest).
     */
    public JsonNode readTree(String json) throws IOException {
        return documents.readTree(json);
    }

    /** Decodes a text frame. */
    public Frame decode(String text) throws ProtocolException {
        try (JsonParser p = reader.createParser(text)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw bad("frame is not a JSON array");
            }
            JsonToken first = p.nextToken();
            long channel = 0;
            if (first == JsonToken.VALUE_NUMBER_INT) {
                channel = number(p, 1, "channel number");
                first = p.nextToken();
            }
            if (first != JsonToken.VALUE_STRING) {
                throw bad("frame type must be a string");
            }
            String type = p.getText();
            Frame frame = channel == 0 ? own(type, p) : new Frame.OnChannel(channel, message(type, p, true));
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

    /** A frame of the page's own channel, or a channel control frame (§3, §12.1). */
    private Frame own(String type, JsonParser p) throws IOException, ProtocolException {
        return switch (type) {
            case "ev", "call", "res" -> message(type, p, false);
            case "ack" -> {
                if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                    throw bad("ack frame needs a number");
                }
                yield new Frame.Ack(number(p, 0, "ack"));
            }
            case "chopen" -> {
                long channel = readChannel(p, "chopen");
                String path = readPath(p);
                JsonNode params = readValue(p);
                long seq = params == null ? Frame.UNNUMBERED : readSeq(p);
                yield new Frame.ChannelOpen(channel, path, params, seq, readAck(p, seq));
            }
            case "chclose" -> {
                long channel = readChannel(p, "chclose");
                String code = readString(p, "chclose code");
                String reason = readString(p, "chclose reason");
                long seq = readSeq(p);
                yield new Frame.ChannelClose(channel, code, reason, seq, readAck(p, seq));
            }
            case "ping" -> new Frame.Ping();
            case "pong" -> new Frame.Pong();
            case "bye" -> new Frame.Bye();
            default -> throw bad("unknown frame type '" + abbreviate(type) + "'");
        };
    }

    /** An event, call or reply, of the page's own channel or (after its number) of a channel. */
    private Frame.Message message(String type, JsonParser p, boolean onChannel) throws IOException, ProtocolException {
        return switch (type) {
            case "ev" -> {
                String name = readName(p, "event");
                JsonNode data = readValue(p);
                if (data == null) {
                    yield new Frame.Emit(name, null);
                }
                long seq = readSeq(p);
                yield new Frame.Emit(name, data, seq, readAck(p, seq));
            }
            case "call" -> {
                long id = readId(p);
                String name = readName(p, "call");
                JsonNode args = readValue(p);
                long seq = args == null ? Frame.UNNUMBERED : readSeq(p);
                yield new Frame.Call(id, name, args, seq, readAck(p, seq));
            }
            case "res" -> {
                long id = readId(p);
                JsonToken t = p.nextToken();
                if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                    throw bad("res frame needs true or false after its id");
                }
                boolean ok = t == JsonToken.VALUE_TRUE;
                JsonNode value = readValue(p);
                long seq = value == null ? Frame.UNNUMBERED : readSeq(p);
                yield new Frame.Result(id, ok, value, seq, readAck(p, seq));
            }
            default ->
                throw bad((onChannel ? "a channel frame cannot be of type '" : "unknown frame type '")
                        + abbreviate(type) + "'");
        };
    }

    /**
     * Decodes a binary frame: a uint32 big-endian header length, the UTF-8 JSON header
     * {@code ["ev", name, s?, a?]}, then the payload.
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
        String header;
        try {
            // Jackson's byte parser lets through UTF-8 that is not (an encoded surrogate, found by
            // FrameCodecFuzzTest); the header is small, so decode it strictly first.
            header = Utf8.decode(message, 4, (int) headerLength);
        } catch (CharacterCodingException e) {
            throw bad("binary frame header is not UTF-8");
        }
        try (JsonParser p = reader.createParser(header)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw bad("binary frame header must be [\"ev\", name]");
            }
            long channel = 0;
            if (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
                channel = number(p, 1, "channel number");
                p.nextToken();
            }
            if (p.currentToken() != JsonToken.VALUE_STRING || !"ev".equals(p.getText())) {
                throw bad("binary frame header must be [\"ev\", name] or [c, \"ev\", name]");
            }
            String name = readName(p, "event");
            long seq = readSeq(p);
            long ack = readAck(p, seq);
            skipToEnd(p);
            if (p.nextToken() != null) {
                throw bad("trailing data after binary frame header");
            }
            byte[] payload = new byte[message.length - 4 - (int) headerLength];
            System.arraycopy(message, 4 + (int) headerLength, payload, 0, payload.length);
            Frame.BinaryEmit emit = new Frame.BinaryEmit(name, payload, seq, ack);
            return channel == 0 ? emit : new Frame.OnChannel(channel, emit);
        } catch (JsonProcessingException e) {
            throw bad("malformed binary frame header: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw bad("unreadable binary frame header");
        }
    }

    /** {@code ["hello", {"v":1, "page":id, "heartbeat":ms, "ack":a}]}. */
    public OutFrame hello(String pageId, long heartbeatMillis, long ack) {
        return text(g -> {
            g.writeStartArray();
            g.writeString("hello");
            g.writeStartObject();
            g.writeNumberField("v", PROTOCOL_VERSION);
            g.writeStringField("page", pageId);
            g.writeNumberField("heartbeat", heartbeatMillis);
            g.writeNumberField("ack", ack);
            g.writeEndObject();
            g.writeEndArray();
        });
    }

    /** {@code ["ack", a]}. */
    public OutFrame ack(long ack) {
        return new OutFrame(false, ("[\"ack\"," + ack + "]").getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code ["missed", {"from":f, "to":t, "reason":r}]} (§10.4). */
    public OutFrame missed(long from, long to, String reason) {
        return text(g -> {
            g.writeStartArray();
            g.writeString("missed");
            g.writeStartObject();
            g.writeNumberField("from", from);
            g.writeNumberField("to", to);
            g.writeStringField("reason", reason);
            g.writeEndObject();
            g.writeEndArray();
        });
    }

    /**
     * {@code ["ev", name, data]} awaiting its number, with {@code data} converted by Jackson: an
     * application's event, so not a reserved name ({@link #checkEmitName}).
     *
     * @throws IllegalArgumentException if {@code data} cannot be written as JSON or the name is refused
     */
    public DataFrame event(String name, Object data) {
        checkEmitName(name);
        return eventFrame(name, data);
    }

    /**
     * A Pagewire event ({@code pagewire:…}, §3) awaiting its number, encoded like {@link #event}.
     *
     * @throws IllegalArgumentException if the name lacks the prefix or {@code data} is not JSON
     */
    public DataFrame systemEvent(String name, Object data) {
        checkName(name);
        if (!name.startsWith(SYSTEM_PREFIX)) {
            throw new IllegalArgumentException("a system event's name starts with " + SYSTEM_PREFIX + ": " + name);
        }
        return eventFrame(name, data);
    }

    private DataFrame eventFrame(String name, Object data) {
        return data(g -> {
            g.writeString("ev");
            g.writeString(name);
            writeValue(g, data);
        });
    }

    /** A binary event frame awaiting its number. */
    public DataFrame binaryEvent(String name, byte[] bytes) {
        checkEmitName(name);
        DataFrame header = data(g -> {
            g.writeString("ev");
            g.writeString(name);
        });
        return new DataFrame(true, header.encoded(), bytes.clone());
    }

    /** {@code ["err", code, message]} awaiting its number. */
    public DataFrame error(String code, String message) {
        return data(g -> {
            g.writeString("err");
            g.writeString(code);
            g.writeString(message);
        });
    }

    /**
     * {@code ["call", id, name, args]} awaiting its number (§11).
     *
     * @throws IllegalArgumentException if {@code args} cannot be written as JSON
     */
    public DataFrame call(long id, String name, Object args) {
        checkName(name);
        return data(g -> {
            g.writeString("call");
            g.writeNumber(id);
            g.writeString(name);
            writeValue(g, args);
        });
    }

    /**
     * {@code ["res", id, true, value]} awaiting its number (§11).
     *
     * @throws IllegalArgumentException if {@code value} cannot be written as JSON
     */
    public DataFrame result(long id, Object value) {
        return data(g -> {
            g.writeString("res");
            g.writeNumber(id);
            g.writeBoolean(true);
            writeValue(g, value);
        });
    }

    /** {@code ["res", id, false, {"code":code, "message":message}]} awaiting its number (§11). */
    public DataFrame failure(long id, String code, String message) {
        return data(g -> {
            g.writeString("res");
            g.writeNumber(id);
            g.writeBoolean(false);
            g.writeStartObject();
            g.writeStringField("code", code);
            g.writeStringField("message", message);
            g.writeEndObject();
        });
    }

    /** {@code ["chok", c]} awaiting its number (§12.1). */
    public DataFrame channelOpened(long channel) {
        return data(g -> {
            g.writeString("chok");
            g.writeNumber(channel);
        });
    }

    /** {@code ["chclose", c, code, reason]} awaiting its number (§12.1). */
    public DataFrame channelClosed(long channel, String code, String reason) {
        return data(g -> {
            g.writeString("chclose");
            g.writeNumber(channel);
            g.writeString(code);
            g.writeString(reason);
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
            throw new IllegalArgumentException("event name must be 1 to " + MAX_NAME_LENGTH + " characters, got "
                    + (name == null ? "null" : "'" + abbreviate(name) + "'"));
        }
    }

    /** {@link #checkName}, and not {@link #SYSTEM_PREFIX}: the names application code may emit. */
    public static void checkEmitName(String name) {
        checkName(name);
        if (name.startsWith(SYSTEM_PREFIX)) {
            throw new IllegalArgumentException("event names starting " + SYSTEM_PREFIX
                    + " are reserved for Pagewire's own events; rename '" + abbreviate(name) + "'");
        }
    }

    private static String readName(JsonParser p, String kind) throws IOException, ProtocolException {
        if (p.nextToken() != JsonToken.VALUE_STRING) {
            throw bad(kind + " name must be a string");
        }
        String name = p.getText();
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw bad(kind + " name must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        return name;
    }

    /** Longest endpoint path in a {@code chopen} frame, in characters. */
    public static final int MAX_PATH_LENGTH = 1024;

    private static long readChannel(JsonParser p, String kind) throws IOException, ProtocolException {
        if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
            throw bad(kind + " needs a channel number");
        }
        return number(p, 1, "channel number");
    }

    private static String readPath(JsonParser p) throws IOException, ProtocolException {
        String path = readString(p, "chopen path");
        if (!path.startsWith("/") || path.length() > MAX_PATH_LENGTH) {
            throw bad("chopen path must be absolute and at most " + MAX_PATH_LENGTH + " characters");
        }
        return path;
    }

    private static String readString(JsonParser p, String what) throws IOException, ProtocolException {
        if (p.nextToken() != JsonToken.VALUE_STRING) {
            throw bad(what + " must be a string");
        }
        return p.getText();
    }

    /** The next element as a tree, or {@code null} when the frame ends here. */
    private JsonNode readValue(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null || t == JsonToken.END_ARRAY) {
            return null;
        }
        return reader.readTree(p);
    }

    /** A call's id: a positive integer. */
    private static long readId(JsonParser p) throws IOException, ProtocolException {
        if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
            throw bad("call id must be a positive integer");
        }
        return number(p, 1, "call id");
    }

    /** The optional sequence number of a data frame (§10.1), or {@link Frame#UNNUMBERED}. */
    private static long readSeq(JsonParser p) throws IOException, ProtocolException {
        JsonToken t = p.nextToken();
        if (t == null || t == JsonToken.END_ARRAY) {
            return Frame.UNNUMBERED;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw bad("sequence number must be a positive integer");
        }
        return number(p, 1, "sequence number");
    }

    /** The optional piggybacked ack after a sequence number, or {@link Frame#NO_ACK}. */
    private static long readAck(JsonParser p, long seq) throws IOException, ProtocolException {
        JsonToken t = p.currentToken();
        if (seq == Frame.UNNUMBERED || t == null || t == JsonToken.END_ARRAY) {
            return Frame.NO_ACK;
        }
        t = p.nextToken();
        if (t == null || t == JsonToken.END_ARRAY) {
            return Frame.NO_ACK;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw bad("ack must be a non-negative integer");
        }
        return number(p, 0, "ack");
    }

    private static long number(JsonParser p, long min, String what) throws IOException, ProtocolException {
        JsonParser.NumberType type = p.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
            throw bad(what + " out of range");
        }
        long n = p.getLongValue();
        if (n < min) {
            throw bad(what + " must be " + (min == 0 ? "a non-negative" : "a positive") + " integer, got " + n);
        }
        return n;
    }

    private static void writeValue(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else {
            Json.mapper().writeValue(g, value);
        }
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

    /** A data frame of these elements, awaiting its number (it goes before the closing bracket). */
    private DataFrame data(Writer elements) {
        return DataFrame.text(text(g -> {
                    g.writeStartArray();
                    elements.write(g);
                    g.writeEndArray();
                })
                .payload());
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
