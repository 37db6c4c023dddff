package dev.pagewire.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.testing.Counts;
import dev.pagewire.testing.Draw;
import dev.pagewire.testing.Fuzz;
import dev.pagewire.testing.JsonValues;
import dev.pagewire.testing.Mutations;
import dev.pagewire.testing.Shrinker;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the frame decoder (docs/PROTOCOL.md §3, §12.1; docs/SECURITY.md, Fuzzing): whatever
 * a client sends, the codec answers with a frame that keeps the protocol's invariants or with a
 * {@link ProtocolException} carrying 4400, within the JSON depth limit, and promptly; and every
 * frame the server's encoder writes decodes to what was encoded.
 */
class FrameCodecFuzzTest {

    /** The defaults of {@code Settings}: maxJsonDepth 32, maxMessageBytes 64 KiB. */
    private static final int MAX_DEPTH = 32;

    /** An independent reading of the same text, refusing what follows the first value. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final FrameCodec codec = new FrameCodec(MAX_DEPTH, 64 * 1024);

    // ---- hostile input

    @Test
    void mutatedFramesAreDecodedOrRefusedWith4400() {
        Counts<String> outcomes = new Counts<>();
        Fuzz.forAll(this::mutatedFrame, text -> outcomes.add(decodeOrRefuse(text)));
        // The mutants reach past the JSON syntax: some are still frames, most are refused.
        outcomes.assertShareAbove(ACCEPTED, 1);
        outcomes.assertShareAbove(REFUSED, 30);
    }

    @Test
    void anyTextIsDecodedOrRefusedWith4400() {
        Fuzz.forAll(random -> Draw.string(random, 255), this::decodeOrRefuse);
    }

    @Test
    void mutatedBinaryFramesAreDecodedOrRefusedWith4400() {
        Counts<String> outcomes = new Counts<>();
        Fuzz.forAll(this::mutatedBinaryFrame, message -> outcomes.add(decodeBinaryOrRefuse(message)));
        outcomes.assertShareAbove(ACCEPTED, 1);
        outcomes.assertShareAbove(REFUSED, 30);
    }

    @Test
    void anyBytesAreDecodedOrRefusedWith4400() {
        Fuzz.forAll(random -> Draw.bytes(random, 64), this::decodeBinaryOrRefuse);
    }

    @Test
    void frameDeeperThanMaxJsonDepthIsRefusedAndOneWithinItAccepted() {
        // Every combination: 40 limits times 46 depths.
        for (int maxDepth = 1; maxDepth <= 40; maxDepth++) {
            for (int dataDepth = 0; dataDepth <= 45; dataDepth++) {
                FrameCodec limited = new FrameCodec(maxDepth, 64 * 1024);
                JsonNode data = JsonValues.nested(dataDepth);
                // The frame's own array is the first level; a newer peer's appended element counts too.
                String event = "[\"ev\",\"x\"," + data + "]";
                String appended = "[\"ping\"," + data + "]";
                byte[] binary = binary("[\"ev\",\"x\",1,0," + data + "]");
                String where = "maxJsonDepth " + maxDepth + ", data " + dataDepth + " deep";
                if (1 + dataDepth <= maxDepth) {
                    assertEquals(data, assertDecodes(where, () -> ((Frame.Emit) limited.decode(event)).data()));
                    assertDecodes(where, () -> limited.decode(appended));
                    assertDecodes(where, () -> limited.decodeBinary(binary));
                } else {
                    assertRefused(where, () -> limited.decode(event));
                    assertRefused(where, () -> limited.decode(appended));
                    assertRefused(where, () -> limited.decodeBinary(binary));
                }
            }
        }
    }

    @Test
    void everyNumberTakesExactlyTheIntegersOfItsRange() {
        Fuzz.forAll(
                random -> new Numbered(Draw.pick(random, SLOTS), number(random)),
                Shrinker.part(Numbered::number, (n, number) -> new Numbered(n.slot(), number), Shrinker.STRINGS),
                numbered -> {
                    String text = numbered.text();
                    String number = numbered.number();
                    // An integer that fits a long, not below the slot's least value.
                    boolean inRange = number.matches("-?(0|[1-9][0-9]*)")
                            && new BigInteger(number).bitLength() < 64
                            && Long.parseLong(number) >= numbered.slot().min();
                    assertEquals(inRange ? ACCEPTED : REFUSED, decodeOrRefuse(text), text);
                });
    }

    // ---- round trips

    @Test
    void everyFrameTheEncoderWritesDecodesToWhatWasEncoded() {
        Fuzz.forAll(this::encodedFrame, encoded -> assertEquals(encoded.expected(), codec.decode(encoded.text())));
    }

    @Test
    void everyBinaryEventTheEncoderWritesDecodesToWhatWasEncoded() {
        Fuzz.forAll(
                random -> new BinaryEvent(
                        emitName(random), Draw.bytes(random, 300), channel(random), seq(random), ack(random)),
                event -> {
                    DataFrame frame = codec.binaryEvent(event.name(), event.payload());
                    byte[] message = (event.channel() == 0 ? frame : frame.onChannel(event.channel()))
                            .numbered(event.seq(), event.ack())
                            .payload();
                    Frame decoded = codec.decodeBinary(message);
                    if (event.channel() != 0) {
                        Frame.OnChannel on = assertInstanceOf(Frame.OnChannel.class, decoded);
                        assertEquals(event.channel(), on.channel());
                        decoded = on.message();
                    }
                    Frame.BinaryEmit emit = assertInstanceOf(Frame.BinaryEmit.class, decoded);
                    assertEquals(event.name(), emit.name());
                    assertArrayEquals(event.payload(), emit.bytes());
                    assertEquals(event.seq(), emit.seq());
                    assertEquals(event.ack(), emit.ack());
                });
    }

    // ---- the outcomes a decode may have

    private static final String ACCEPTED = "accepted";
    private static final String REFUSED = "refused";

    /**
     * Decodes {@code text}: a well-formed frame, or a refusal with 4400; anything else fails.
     *
     * @return {@link #ACCEPTED} or {@link #REFUSED}
     */
    private String decodeOrRefuse(String text) throws Exception {
        Frame frame;
        try {
            frame = codec.decode(text);
        } catch (ProtocolException e) {
            assertRefusal(e);
            return REFUSED;
        }
        // Accepted: then it is one JSON array, within the depth limit.
        JsonNode tree = STRICT.readTree(text);
        assertTrue(tree.isArray(), text);
        assertTrue(JsonValues.depth(tree) <= MAX_DEPTH, text);
        assertKeepsInvariants(frame);
        return ACCEPTED;
    }

    /** As {@link #decodeOrRefuse}, for a binary message. */
    private String decodeBinaryOrRefuse(byte[] message) throws Exception {
        Frame frame;
        try {
            frame = codec.decodeBinary(message);
        } catch (ProtocolException e) {
            assertRefusal(e);
            return REFUSED;
        }
        // Accepted: a length prefix within the message, then a UTF-8 JSON array.
        int headerLength = ByteBuffer.wrap(message).getInt();
        assertTrue(headerLength >= 0 && headerLength <= message.length - 4);
        String header = strictUtf8(message, 4, headerLength);
        JsonNode tree = STRICT.readTree(header);
        assertTrue(tree.isArray(), header);
        assertTrue(JsonValues.depth(tree) <= MAX_DEPTH, header);
        Frame.Message emit = frame instanceof Frame.OnChannel on ? on.message() : (Frame.Message) frame;
        Frame.BinaryEmit binary = assertInstanceOf(Frame.BinaryEmit.class, emit);
        assertEquals(message.length - 4 - headerLength, binary.bytes().length);
        assertKeepsInvariants(frame);
        return ACCEPTED;
    }

    private static void assertRefusal(ProtocolException e) {
        assertEquals(CloseCodes.BAD_FRAME, e.code());
        assertNotNull(e.getMessage());
        assertNull(e.getCause(), "a refusal is a value, not a wrapped stack trace");
    }

    /** What docs/PROTOCOL.md and {@link Frame}'s Javadoc promise of every decoded frame. */
    private static void assertKeepsInvariants(Frame frame) {
        switch (frame) {
            case Frame.OnChannel on -> {
                assertTrue(on.channel() >= 1, "channel numbers are positive");
                assertKeepsInvariants(on.message());
            }
            case Frame.Emit e -> {
                assertName(e.name());
                assertNumbers(e);
            }
            case Frame.BinaryEmit b -> {
                assertName(b.name());
                assertNotNull(b.bytes());
                assertNumbers(b);
            }
            case Frame.Call c -> {
                assertTrue(c.id() >= 1, "call ids are positive");
                assertName(c.name());
                assertNumbers(c);
            }
            case Frame.Result r -> {
                assertTrue(r.id() >= 1, "call ids are positive");
                assertNumbers(r);
            }
            case Frame.ChannelOpen o -> {
                assertTrue(o.channel() >= 1, "channel numbers are positive");
                assertTrue(o.path().startsWith("/") && o.path().length() <= FrameCodec.MAX_PATH_LENGTH, o.path());
                assertNumbers(o);
            }
            case Frame.ChannelClose c -> {
                assertTrue(c.channel() >= 1, "channel numbers are positive");
                assertNotNull(c.code());
                assertNotNull(c.reason());
                assertNumbers(c);
            }
            case Frame.Ack a -> assertTrue(a.ack() >= 0, "acks are not negative");
            case Frame.Ping p -> {}
            case Frame.Pong p -> {}
            case Frame.Bye b -> {}
        }
    }

    private static void assertName(String name) {
        assertTrue(!name.isEmpty() && name.length() <= FrameCodec.MAX_NAME_LENGTH, name);
    }

    private static void assertNumbers(Frame.Data frame) {
        assertTrue(frame.seq() >= 1 || frame.seq() == Frame.UNNUMBERED, "seq " + frame.seq());
        assertTrue(frame.ack() >= 0 || frame.ack() == Frame.NO_ACK, "ack " + frame.ack());
        assertTrue(frame.seq() != Frame.UNNUMBERED || frame.ack() == Frame.NO_ACK, "an ack comes after a seq");
    }

    private interface Decoding {
        Object run() throws Exception;
    }

    private static Object assertDecodes(String where, Decoding decoding) {
        try {
            return decoding.run();
        } catch (Exception e) {
            throw new AssertionError(where + ": refused: " + e.getMessage(), e);
        }
    }

    private static void assertRefused(String where, Decoding decoding) {
        try {
            decoding.run();
        } catch (ProtocolException e) {
            assertRefusal(e);
            return;
        } catch (Exception e) {
            throw new AssertionError(where + ": not a ProtocolException: " + e, e);
        }
        throw new AssertionError(where + ": accepted");
    }

    private static String strictUtf8(byte[] bytes, int offset, int length) throws CharacterCodingException {
        return StandardCharsets.UTF_8
                .newDecoder()
                .decode(ByteBuffer.wrap(bytes, offset, length))
                .toString();
    }

    private static byte[] binary(String header) {
        return binary(header.getBytes(StandardCharsets.UTF_8));
    }

    /** A binary frame of this header and a one-byte payload. */
    private static byte[] binary(byte[] h) {
        return ByteBuffer.allocate(4 + h.length + 1)
                .putInt(h.length)
                .put(h)
                .put((byte) 7)
                .array();
    }

    // ---- generators

    /** A frame with one number in it ({@code N}), and the least value that number may take. */
    record Slot(String frame, long min) {}

    private static final Slot[] SLOTS = {
        new Slot("[\"ev\",\"x\",1,N]", 1), // seq
        new Slot("[\"ev\",\"x\",1,1,N]", 0), // ack
        new Slot("[\"ack\",N]", 0),
        new Slot("[N,\"ev\",\"x\"]", 1), // channel
        new Slot("[\"call\",N,\"f\"]", 1), // call id
        new Slot("[\"call\",1,\"f\",null,N]", 1),
        new Slot("[\"res\",N,true]", 1),
        new Slot("[\"chopen\",N,\"/p\",null,1]", 1),
        new Slot("[\"chclose\",N,\"closed\",\"\",1]", 1),
        new Slot("[\"chclose\",1,\"closed\",\"\",1,N]", 0)
    };

    /** A number in a slot. */
    record Numbered(Slot slot, String number) {
        String text() {
            return slot.frame().replace("N", number);
        }
    }

    /** Integers of any size, and what is almost one. */
    private static String number(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> String.valueOf(Draw.between(random, Long.MIN_VALUE, Long.MAX_VALUE));
            case 1 -> String.valueOf(Draw.between(random, -2L, 2L));
            case 2 -> {
                // Next to an end of the long range (on either side), or beyond it up to 2^64.
                BigInteger end = BigInteger.valueOf(random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE);
                BigInteger near = end.add(BigInteger.valueOf(random.nextInt(-10, 11)));
                BigInteger beyond = BigInteger.TWO.pow(63).add(new BigInteger(64, random).shiftRight(1));
                yield (random.nextBoolean() ? near : beyond).toString();
            }
            default ->
                Draw.pick(
                        random, "-0", "01", "1.0", "1e2", "0.5", "-1.5", "\"1\"", "null", "true", "1" + "0".repeat(30));
        };
    }

    /** A frame the server's encoder wrote, and the frame the decoder must make of it. */
    record Encoded(String text, Frame expected) {
        @Override
        public String toString() {
            return Mutations.show(text) + " -> " + Mutations.show(expected.toString());
        }
    }

    /** A binary event to encode. */
    record BinaryEvent(String name, byte[] payload, long channel, long seq, long ack) {
        @Override
        public String toString() {
            return "BinaryEvent[" + Fuzz.show(name) + ", " + Fuzz.show(payload) + ", channel " + channel + ", seq "
                    + seq + ", ack " + ack + "]";
        }
    }

    private String mutatedFrame(Random random) {
        return Mutations.of(random, validFrame(random));
    }

    private byte[] mutatedBinaryFrame(Random random) {
        return switch (random.nextInt(5)) {
            case 0, 1 -> {
                DataFrame frame = codec.binaryEvent(emitName(random), Draw.bytes(random, 16));
                long channel = channel(random);
                byte[] valid = (channel == 0 ? frame : frame.onChannel(channel))
                        .numbered(seq(random), ack(random))
                        .payload();
                yield Mutations.bytes(random, valid);
            }
            case 2, 3 -> {
                // The header's JSON mutated, behind a length prefix that fits it: that reaches the parser.
                var header = JsonNodeFactory.instance.arrayNode();
                long channel = channel(random);
                if (channel != 0) {
                    header.add(channel);
                }
                header.add("ev").add(emitName(random)).add(seq(random));
                long ack = ack(random);
                yield binary(Mutations.utf8(random, (ack >= 0 ? header.add(ack) : header).toString()));
            }
            default -> binary(headerWithBytesInItsName(random));
        };
    }

    /**
     * A header whose event name holds bytes that may not be UTF-8 ({@link Mutations#utf8Breaker}):
     * inside a string Jackson's byte parser lets some of them through, which a byte edit at a
     * random place rarely hits.
     */
    private static byte[] headerWithBytesInItsName(Random random) {
        String name = emitName(random);
        int at = random.nextInt(name.length() + 1);
        String left = JsonNodeFactory.instance.textNode(name.substring(0, at)).toString();
        String right = JsonNodeFactory.instance.textNode(name.substring(at)).toString();
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(("[\"ev\"," + left.substring(0, left.length() - 1)).getBytes(StandardCharsets.UTF_8));
        header.writeBytes(Mutations.utf8Breaker(random));
        header.writeBytes((right.substring(1) + "," + seq(random) + "]").getBytes(StandardCharsets.UTF_8));
        return header.toByteArray();
    }

    /** Frames a client may send (docs/PROTOCOL.md §3, §12.1), as text. */
    private String validFrame(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> Draw.pick(random, "[\"ping\"]", "[\"pong\"]", "[\"bye\"]", "[\"ev\",\"x\"]");
            case 1 -> "[\"ack\"," + Draw.between(random, 0, Long.MAX_VALUE) + "]";
            case 2 -> {
                var frame = JsonNodeFactory.instance
                        .arrayNode()
                        .add("chopen")
                        .add(id(random))
                        .add(path(random));
                frame.add(JsonValues.any(random)).add(seq(random));
                long ack = ack(random);
                yield (ack >= 0 ? frame.add(ack) : frame).toString();
            }
            default -> encodedFrame(random).text();
        };
    }

    private Encoded encodedFrame(Random random) {
        long channel = channel(random);
        long seq = seq(random);
        long ack = ack(random);
        return switch (random.nextInt(5)) {
            case 0 -> {
                String name = emitName(random);
                JsonNode data = JsonValues.any(random);
                yield numbered(codec.event(name, data), channel, seq, ack, new Frame.Emit(name, data, seq, ack));
            }
            case 1 -> {
                long id = id(random);
                String name = callName(random);
                JsonNode args = JsonValues.any(random);
                yield numbered(codec.call(id, name, args), channel, seq, ack, new Frame.Call(id, name, args, seq, ack));
            }
            case 2 -> {
                long id = id(random);
                JsonNode value = JsonValues.any(random);
                yield numbered(codec.result(id, value), channel, seq, ack, new Frame.Result(id, true, value, seq, ack));
            }
            case 3 -> {
                long id = id(random);
                String code = text(random);
                String message = text(random);
                JsonNode error =
                        JsonNodeFactory.instance.objectNode().put("code", code).put("message", message);
                yield numbered(
                        codec.failure(id, code, message),
                        channel,
                        seq,
                        ack,
                        new Frame.Result(id, false, error, seq, ack));
            }
            default -> {
                long closed = id(random);
                String code = text(random);
                String reason = text(random);
                yield new Encoded(
                        codec.channelClosed(closed, code, reason)
                                .numbered(seq, ack)
                                .text(),
                        new Frame.ChannelClose(closed, code, reason, seq, ack));
            }
        };
    }

    private static Encoded numbered(DataFrame frame, long channel, long seq, long ack, Frame.Message expected) {
        if (channel == 0) {
            return new Encoded(frame.numbered(seq, ack).text(), expected);
        }
        return new Encoded(frame.onChannel(channel).numbered(seq, ack).text(), new Frame.OnChannel(channel, expected));
    }

    /** Names application code may emit: 1 to 128 characters, not {@code pagewire:…}. */
    private static String emitName(Random random) {
        String name;
        do {
            name = callName(random);
        } while (name.startsWith(FrameCodec.SYSTEM_PREFIX));
        return name;
    }

    private static String callName(Random random) {
        return Draw.string(random, 1, random.nextBoolean() ? 12 : FrameCodec.MAX_NAME_LENGTH);
    }

    private static String text(Random random) {
        return Draw.string(random, 40);
    }

    private static String path(Random random) {
        return "/" + Draw.string(random, 30);
    }

    /** 0 for the page's own channel (half the time), else a channel number. */
    private static long channel(Random random) {
        return random.nextBoolean() ? 0 : Draw.between(random, 1, Long.MAX_VALUE);
    }

    private static long id(Random random) {
        return Draw.between(random, 1, Long.MAX_VALUE);
    }

    private static long seq(Random random) {
        return Draw.between(random, 1, Long.MAX_VALUE);
    }

    /** A piggybacked ack, or {@link Frame#NO_ACK}. */
    private static long ack(Random random) {
        return Draw.between(random, Frame.NO_ACK, Long.MAX_VALUE);
    }
}
