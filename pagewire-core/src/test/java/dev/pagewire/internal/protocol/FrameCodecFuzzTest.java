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
import dev.pagewire.testing.Hangs;
import dev.pagewire.testing.JsonValues;
import dev.pagewire.testing.Mutations;
import dev.pagewire.testing.Mutations.Text;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

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

    @Property
    void mutatedFramesAreDecodedOrRefusedWith4400(@ForAll("mutatedFrames") Text text) throws Throwable {
        Statistics.collect(decodeOrRefuse(text.value()));
        // The mutants reach past the JSON syntax: some are still frames, most are refused. (Loose
        // bounds: jqwik makes larger values in longer runs, which moves these shares.)
        Statistics.coverage(c -> {
            c.check(ACCEPTED).percentage(p -> p > 1);
            c.check(REFUSED).percentage(p -> p > 30);
        });
    }

    @Property
    void anyTextIsDecodedOrRefusedWith4400(@ForAll("anyText") Text text) throws Throwable {
        decodeOrRefuse(text.value());
    }

    @Property
    void mutatedBinaryFramesAreDecodedOrRefusedWith4400(@ForAll("mutatedBinaryFrames") byte[] message)
            throws Throwable {
        Statistics.collect(decodeBinaryOrRefuse(message));
        Statistics.coverage(c -> {
            c.check(ACCEPTED).percentage(p -> p > 1);
            c.check(REFUSED).percentage(p -> p > 30);
        });
    }

    @Property
    void anyBytesAreDecodedOrRefusedWith4400(@ForAll @Size(max = 64) byte[] message) throws Throwable {
        decodeBinaryOrRefuse(message);
    }

    @Property
    void frameDeeperThanMaxJsonDepthIsRefusedAndOneWithinItAccepted(
            @ForAll @IntRange(min = 1, max = 40) int maxDepth, @ForAll @IntRange(min = 0, max = 45) int dataDepth) {
        FrameCodec limited = new FrameCodec(maxDepth, 64 * 1024);
        JsonNode data = JsonValues.nested(dataDepth);
        // The frame's own array is the first level; a newer peer's appended element counts too.
        String event = "[\"ev\",\"x\"," + data + "]";
        String appended = "[\"ping\"," + data + "]";
        byte[] binary = binary("[\"ev\",\"x\",1,0," + data + "]");
        if (1 + dataDepth <= maxDepth) {
            assertEquals(data, assertDecodes(() -> ((Frame.Emit) limited.decode(event)).data()));
            assertDecodes(() -> limited.decode(appended));
            assertDecodes(() -> limited.decodeBinary(binary));
        } else {
            assertRefused(() -> limited.decode(event));
            assertRefused(() -> limited.decode(appended));
            assertRefused(() -> limited.decodeBinary(binary));
        }
    }

    @Property
    void everyNumberTakesExactlyTheIntegersOfItsRange(
            @ForAll("numberSlots") Slot slot, @ForAll("numbers") String number) throws Throwable {
        String text = slot.frame().replace("N", number);
        boolean integer = number.matches("-?(0|[1-9][0-9]*)");
        boolean inRange = integer
                && new BigInteger(number).compareTo(BigInteger.valueOf(slot.min())) >= 0
                && new BigInteger(number).bitLength() < 64;
        if (inRange) {
            assertEquals(ACCEPTED, decodeOrRefuse(text), text);
        } else {
            assertEquals(REFUSED, decodeOrRefuse(text), text);
        }
    }

    // ---- round trips

    @Property
    void everyFrameTheEncoderWritesDecodesToWhatWasEncoded(@ForAll("encodedFrames") Encoded encoded)
            throws ProtocolException {
        assertEquals(encoded.expected(), codec.decode(encoded.text()));
    }

    @Property
    void everyBinaryEventTheEncoderWritesDecodesToWhatWasEncoded(
            @ForAll("emitNames") String name,
            @ForAll @Size(max = 300) byte[] payload,
            @ForAll("channels") long channel,
            @ForAll("seqs") long seq,
            @ForAll("acks") long ack)
            throws ProtocolException {
        DataFrame frame = codec.binaryEvent(name, payload);
        byte[] message = (channel == 0 ? frame : frame.onChannel(channel))
                .numbered(seq, ack)
                .payload();
        Frame decoded = codec.decodeBinary(message);
        if (channel != 0) {
            Frame.OnChannel on = assertInstanceOf(Frame.OnChannel.class, decoded);
            assertEquals(channel, on.channel());
            decoded = on.message();
        }
        Frame.BinaryEmit emit = assertInstanceOf(Frame.BinaryEmit.class, decoded);
        assertEquals(name, emit.name());
        assertArrayEquals(payload, emit.bytes());
        assertEquals(seq, emit.seq());
        assertEquals(ack, emit.ack());
    }

    // ---- the outcomes a decode may have

    private static final String ACCEPTED = "accepted";
    private static final String REFUSED = "refused";

    /**
     * Decodes {@code text}: a well-formed frame, or a refusal with 4400; anything else fails.
     *
     * @return {@link #ACCEPTED} or {@link #REFUSED}
     */
    private String decodeOrRefuse(String text) throws Throwable {
        return Hangs.failIfHangs(() -> {
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
        });
    }

    /** As {@link #decodeOrRefuse}, for a binary message. */
    private String decodeBinaryOrRefuse(byte[] message) throws Throwable {
        return Hangs.failIfHangs(() -> {
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
        });
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

    private static Object assertDecodes(Decoding decoding) {
        try {
            return decoding.run();
        } catch (Exception e) {
            throw new AssertionError("refused: " + e.getMessage(), e);
        }
    }

    private static void assertRefused(Decoding decoding) {
        try {
            decoding.run();
        } catch (ProtocolException e) {
            assertRefusal(e);
            return;
        } catch (Exception e) {
            throw new AssertionError("not a ProtocolException: " + e, e);
        }
        throw new AssertionError("accepted");
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

    // ---- arbitraries

    /** A frame with one number in it ({@code N}), and the least value that number may take. */
    record Slot(String frame, long min) {}

    @Provide
    Arbitrary<Slot> numberSlots() {
        return Arbitraries.of(
                new Slot("[\"ev\",\"x\",1,N]", 1), // seq
                new Slot("[\"ev\",\"x\",1,1,N]", 0), // ack
                new Slot("[\"ack\",N]", 0),
                new Slot("[N,\"ev\",\"x\"]", 1), // channel
                new Slot("[\"call\",N,\"f\"]", 1), // call id
                new Slot("[\"call\",1,\"f\",null,N]", 1),
                new Slot("[\"res\",N,true]", 1),
                new Slot("[\"chopen\",N,\"/p\",null,1]", 1),
                new Slot("[\"chclose\",N,\"closed\",\"\",1]", 1),
                new Slot("[\"chclose\",1,\"closed\",\"\",1,N]", 0));
    }

    /** Integers of any size, and what is almost one. */
    @Provide
    Arbitrary<String> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.longs().between(-2, 2).map(String::valueOf),
                Arbitraries.bigIntegers()
                        .between(BigInteger.TWO.pow(63).negate().subtract(BigInteger.TEN), BigInteger.TWO.pow(64))
                        .map(String::valueOf),
                Arbitraries.of("-0", "01", "1.0", "1e2", "0.5", "-1.5", "\"1\"", "null", "true", "1" + "0".repeat(30)));
    }

    /** A frame the server's encoder wrote, and the frame the decoder must make of it. */
    record Encoded(String text, Frame expected) {
        @Override
        public String toString() {
            return Mutations.show(text) + " -> " + Mutations.show(expected.toString());
        }
    }

    @Provide
    Arbitrary<Text> mutatedFrames() {
        return Mutations.of(validFrames()).map(Text::new);
    }

    @Provide
    Arbitrary<Text> anyText() {
        return Arbitraries.strings().map(Text::new);
    }

    @Provide
    Arbitrary<byte[]> mutatedBinaryFrames() {
        Arbitrary<byte[]> valid = Combinators.combine(
                        emitNames(), Arbitraries.bytes().array(byte[].class).ofMaxSize(16), channels(), seqs(), acks())
                .as((name, payload, channel, seq, ack) -> {
                    DataFrame frame = codec.binaryEvent(name, payload);
                    return (channel == 0 ? frame : frame.onChannel(channel))
                            .numbered(seq, ack)
                            .payload();
                });
        // Also the header's JSON mutated, behind a length prefix that fits it: that reaches the parser.
        Arbitrary<byte[]> headers = Mutations.utf8(Combinators.combine(emitNames(), channels(), seqs(), acks())
                        .as((name, channel, seq, ack) -> {
                            var header = JsonNodeFactory.instance.arrayNode();
                            if (channel != 0) {
                                header.add(channel);
                            }
                            header.add("ev").add(name).add(seq);
                            return (ack >= 0 ? header.add(ack) : header).toString();
                        }))
                .map(FrameCodecFuzzTest::binary);
        return Arbitraries.oneOf(Mutations.bytes(valid), headers);
    }

    /** Frames a client may send (docs/PROTOCOL.md §3, §12.1), as text. */
    private Arbitrary<String> validFrames() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        Arbitrary<String> control = Arbitraries.of("[\"ping\"]", "[\"pong\"]", "[\"bye\"]", "[\"ev\",\"x\"]");
        Arbitrary<String> acks = Arbitraries.longs().between(0, Long.MAX_VALUE).map(a -> "[\"ack\"," + a + "]");
        Arbitrary<String> opens = Combinators.combine(ids(), paths(), JsonValues.any(), seqs(), acks())
                .as((channel, path, params, seq, ack) -> {
                    var frame = nodes.arrayNode().add("chopen").add(channel).add(path);
                    frame.add(params).add(seq);
                    return (ack >= 0 ? frame.add(ack) : frame).toString();
                });
        Arbitrary<String> encoded = encodedFrames().map(Encoded::text);
        return Arbitraries.oneOf(control, acks, opens, encoded, encoded);
    }

    @Provide
    Arbitrary<Encoded> encodedFrames() {
        Arbitrary<Encoded> events = Combinators.combine(emitNames(), JsonValues.any(), channels(), seqs(), acks())
                .as((name, data, channel, seq, ack) ->
                        numbered(codec.event(name, data), channel, seq, ack, new Frame.Emit(name, data, seq, ack)));
        Arbitrary<Encoded> calls = Combinators.combine(ids(), callNames(), JsonValues.any(), channels(), seqs(), acks())
                .as((id, name, args, channel, seq, ack) -> numbered(
                        codec.call(id, name, args), channel, seq, ack, new Frame.Call(id, name, args, seq, ack)));
        Arbitrary<Encoded> results = Combinators.combine(ids(), JsonValues.any(), channels(), seqs(), acks())
                .as((id, value, channel, seq, ack) -> numbered(
                        codec.result(id, value), channel, seq, ack, new Frame.Result(id, true, value, seq, ack)));
        Arbitrary<Encoded> failures = Combinators.combine(ids(), texts(), texts(), channels(), seqs(), acks())
                .as((id, code, message, channel, seq, ack) -> {
                    JsonNode error = JsonNodeFactory.instance
                            .objectNode()
                            .put("code", code)
                            .put("message", message);
                    return numbered(
                            codec.failure(id, code, message),
                            channel,
                            seq,
                            ack,
                            new Frame.Result(id, false, error, seq, ack));
                });
        Arbitrary<Encoded> closes = Combinators.combine(ids(), texts(), texts(), seqs(), acks())
                .as((channel, code, reason, seq, ack) -> new Encoded(
                        codec.channelClosed(channel, code, reason)
                                .numbered(seq, ack)
                                .text(),
                        new Frame.ChannelClose(channel, code, reason, seq, ack)));
        return Arbitraries.oneOf(events, calls, results, failures, closes);
    }

    private static Encoded numbered(DataFrame frame, long channel, long seq, long ack, Frame.Message expected) {
        if (channel == 0) {
            return new Encoded(frame.numbered(seq, ack).text(), expected);
        }
        return new Encoded(frame.onChannel(channel).numbered(seq, ack).text(), new Frame.OnChannel(channel, expected));
    }

    /** Names application code may emit: 1 to 128 characters, not {@code pagewire:…}. */
    @Provide
    Arbitrary<String> emitNames() {
        return callNames().filter(name -> !name.startsWith(FrameCodec.SYSTEM_PREFIX));
    }

    private static Arbitrary<String> callNames() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMinLength(1).ofMaxLength(12),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(FrameCodec.MAX_NAME_LENGTH));
    }

    private static Arbitrary<String> texts() {
        return Arbitraries.strings().ofMaxLength(40);
    }

    private static Arbitrary<String> paths() {
        return Arbitraries.strings().ofMaxLength(30).map(p -> "/" + p);
    }

    /** 0 for the page's own channel (half the time), else a channel number. */
    @Provide
    Arbitrary<Long> channels() {
        return Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(1, Long.MAX_VALUE));
    }

    private static Arbitrary<Long> ids() {
        return Arbitraries.longs().between(1, Long.MAX_VALUE);
    }

    @Provide
    Arbitrary<Long> seqs() {
        return Arbitraries.longs().between(1, Long.MAX_VALUE);
    }

    /** A piggybacked ack, or {@link Frame#NO_ACK}. */
    @Provide
    Arbitrary<Long> acks() {
        return Arbitraries.longs().between(Frame.NO_ACK, Long.MAX_VALUE);
    }
}
