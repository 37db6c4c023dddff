package dev.pagewire.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.pagewire.internal.Json;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.OutFrame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameCodecTest {

    private static final String NAME_128 = "n".repeat(128);
    private static final String NAME_129 = "n".repeat(129);

    private final FrameCodec codec = new FrameCodec(32, 64 * 1024);

    // ---- decoding text frames

    @Test
    void decodesAnEventWithItsData() throws Exception {
        Frame.Emit e = assertInstanceOf(Frame.Emit.class, codec.decode("[\"ev\",\"say\",{\"a\":[1,2],\"b\":\"x\"}]"));
        assertEquals("say", e.name());
        assertEquals(Json.mapper().readTree("{\"a\":[1,2],\"b\":\"x\"}"), e.data());

        assertEquals(
                "hi",
                ((Frame.Emit) codec.decode("[\"ev\",\"say\",\"hi\"]")).data().textValue());
        assertEquals(7, ((Frame.Emit) codec.decode("[\"ev\",\"say\",7]")).data().intValue());
        assertEquals(NullNode.getInstance(), ((Frame.Emit) codec.decode("[\"ev\",\"say\",null]")).data());
    }

    @Test
    void eventWithoutDataHasNullData() throws Exception {
        assertEquals(new Frame.Emit("go", null), codec.decode("[\"ev\",\"go\"]"));
    }

    @Test
    void decodesPingPongAndBye() throws Exception {
        assertEquals(new Frame.Ping(), codec.decode("[\"ping\"]"));
        assertEquals(new Frame.Pong(), codec.decode("[\"pong\"]"));
        assertEquals(new Frame.Bye(), codec.decode("[\"bye\"]"));
        assertEquals(new Frame.Ping(), codec.decode(" \n[ \"ping\" ]\t"), "whitespace around is fine");
    }

    @Test
    void elementsANewerPeerAppendsAreIgnored() throws Exception {
        assertEquals(new Frame.Ping(), codec.decode("[\"ping\",1,{\"future\":[true]}]"));
        assertEquals(new Frame.Bye(), codec.decode("[\"bye\",\"reason\"]"));
        Frame.Emit e = (Frame.Emit) codec.decode("[\"ev\",\"say\",[1,[2]],9,3,{\"x\":1},[]]");
        assertEquals(Json.mapper().readTree("[1,[2]]"), e.data());
        assertEquals(9, e.seq());
        assertEquals(3, e.ack());
    }

    @Test
    void dataFramesCarryTheirNumberAndOptionallyAnAck() throws Exception {
        JsonNodeFactory f = JsonNodeFactory.instance;
        assertEquals(new Frame.Emit("say", f.numberNode(1), 2, Frame.NO_ACK), codec.decode("[\"ev\",\"say\",1,2]"));
        assertEquals(new Frame.Emit("say", NullNode.getInstance(), 7, 0), codec.decode("[\"ev\",\"say\",null,7,0]"));
        assertEquals(new Frame.Emit("say", f.textNode("x")), codec.decode("[\"ev\",\"say\",\"x\"]"), "unnumbered");
        assertEquals(Frame.UNNUMBERED, ((Frame.Data) codec.decode("[\"ev\",\"say\",1]")).seq());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[\"ev\",\"x\",1,0]",
                "[\"ev\",\"x\",1,-1]",
                "[\"ev\",\"x\",1,1.5]",
                "[\"ev\",\"x\",1,\"2\"]",
                "[\"ev\",\"x\",1,null]",
                "[\"ev\",\"x\",1,99999999999999999999]",
                "[\"ev\",\"x\",1,2,-1]",
                "[\"ev\",\"x\",1,2,\"a\"]",
                "[\"ack\"]",
                "[\"ack\",-1]",
                "[\"ack\",\"1\"]",
                "[\"call\"]",
                "[\"call\",0,\"f\"]",
                "[\"call\",\"1\",\"f\"]",
                "[\"call\",1]",
                "[\"call\",1,\"\"]",
                "[\"res\",1]",
                "[\"res\",1,\"yes\",2]",
                "[\"res\",-1,true,2]"
            })
    void badNumbersAcksAndCallsAreRefused(String text) {
        assertBadFrame(text);
    }

    @Test
    void decodesAcksCallsAndReplies() throws Exception {
        JsonNodeFactory f = JsonNodeFactory.instance;
        assertEquals(new Frame.Ack(0), codec.decode("[\"ack\",0]"));
        assertEquals(new Frame.Ack(57), codec.decode("[\"ack\",57]"));
        assertEquals(
                new Frame.Call(3, "sum", Json.mapper().readTree("[1,2]"), 9, 4),
                codec.decode("[\"call\",3,\"sum\",[1,2],9,4]"));
        assertEquals(
                new Frame.Call(3, "sum", null, Frame.UNNUMBERED, Frame.NO_ACK), codec.decode("[\"call\",3,\"sum\"]"));
        assertEquals(
                new Frame.Result(3, true, f.numberNode(3), 10, Frame.NO_ACK), codec.decode("[\"res\",3,true,3,10]"));
        assertEquals(
                new Frame.Result(4, false, Json.mapper().readTree("{\"code\":\"x\",\"message\":\"y\"}"), 11, 2),
                codec.decode("[\"res\",4,false,{\"code\":\"x\",\"message\":\"y\"},11,2]"));
    }

    @Test
    void theApplicationCannotEmitReservedNamesButPagewireCan() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> codec.event("pagewire:join", null));
        assertTrue(e.getMessage().contains("reserved") && e.getMessage().contains("pagewire:join"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> codec.binaryEvent("pagewire:x", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> codec.systemEvent("join", null));
        assertEquals(
                "[\"ev\",\"pagewire:join\",1,7]",
                codec.systemEvent("pagewire:join", 1).numbered(7).text());
        assertEquals(
                "[\"ev\",\"pagewire\",1,7]",
                codec.event("pagewire", 1).numbered(7).text());
    }

    @Test
    void reservedNamesArriveFromTheBrowserLikeAnyOther() throws Exception {
        assertEquals("pagewire:join", ((Frame.Emit) codec.decode("[\"ev\",\"pagewire:join\"]")).name());
    }

    @Test
    void eventNamesOfUpTo128CharactersAreAccepted() throws Exception {
        assertEquals(NAME_128, ((Frame.Emit) codec.decode("[\"ev\",\"" + NAME_128 + "\"]")).name());
        assertEquals("é", ((Frame.Emit) codec.decode("[\"ev\",\"é\"]")).name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "null", "42", "\"ev\"", "{\"ev\":\"x\"}", "{}", "ev"})
    void frameThatIsNotAJsonArrayIsRefused(String text) {
        assertBadFrame(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[1]", "[null]", "[true]", "[[\"ev\"]]", "[{\"t\":\"ev\"}]"})
    void frameTypeThatIsNotAStringIsRefused(String text) {
        assertBadFrame(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[\"nope\"]", "[\"EV\",\"x\"]", "[\"\"]", "[\"hello\",{\"v\":1}]", "[\"err\",\"a\",\"b\"]"})
    void unknownFrameTypeIsRefused(String text) {
        ProtocolException e = assertBadFrame(text);
        assertTrue(e.getMessage().contains("unknown frame type"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"[\"ev\"]", "[\"ev\",1]", "[\"ev\",null]", "[\"ev\",[\"x\"]]", "[\"ev\",{}]", "[\"ev\",\"\"]"})
    void eventWithoutAProperNameIsRefused(String text) {
        assertBadFrame(text);
    }

    @Test
    void eventNameLongerThan128CharactersIsRefused() {
        assertBadFrame("[\"ev\",\"" + NAME_129 + "\"]");
        assertBadFrame("[\"ev\",\"" + NAME_129 + "\",1]");
    }

    @Test
    void jsonDeeperThanMaxJsonDepthIsRefused() throws Exception {
        FrameCodec shallow = new FrameCodec(4, 64 * 1024);
        // The frame's own array is the first level.
        assertInstanceOf(Frame.Emit.class, shallow.decode("[\"ev\",\"x\",[[[1]]]]"));
        assertInstanceOf(Frame.Emit.class, shallow.decode("[\"ev\",\"x\",{\"a\":{\"b\":[1]}}]"));
        assertBadFrame(shallow, "[\"ev\",\"x\",[[[[1]]]]]");
        assertBadFrame(shallow, "[\"ev\",\"x\",{\"a\":{\"b\":{\"c\":{}}}}]");
        assertBadFrame(shallow, "[\"ping\",[[[[1]]]]]");

        String deep = "[".repeat(1000) + "]".repeat(1000);
        assertBadFrame("[\"ev\",\"x\"," + deep + "]");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[\"ping\"]x",
                "[\"ping\"][]",
                "[\"ping\"]]",
                "[\"ping\"],",
                "[\"ping\"] \"more\"",
                "[\"ev\",\"x\",1]{}",
                "[\"ev\",\"x\"]]"
            })
    void trailingDataAfterTheFrameIsRefused(String text) {
        assertBadFrame(text);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[",
                "[\"ping\"",
                "[\"ping\",",
                "[\"ev\",\"x\"",
                "[\"ev\",\"x\",",
                "[\"ev\",\"x\",{\"a\":",
                "[\"ev\",\"x\",tru]",
                "[\"ev\",\"x\",]",
                "[\"ev\",'x']",
                "[\"ev\",\"x\",NaN]",
                "[\"ev\" \"x\"]"
            })
    void malformedJsonIsRefused(String text) {
        assertBadFrame(text);
    }

    // ---- binary frames

    @Test
    void binaryEventRoundTrips() throws Exception {
        byte[] payload = {0, 1, 2, (byte) 0xff, 10};
        OutFrame out = codec.binaryEvent("blob", payload).numbered(5, 2);
        assertTrue(out.binary());
        Frame.BinaryEmit in = assertInstanceOf(Frame.BinaryEmit.class, codec.decodeBinary(out.payload()));
        assertEquals("blob", in.name());
        assertArrayEquals(payload, in.bytes());
        assertEquals(5, in.seq());
        assertEquals(2, in.ack());

        Frame.BinaryEmit empty = (Frame.BinaryEmit) codec.decodeBinary(
                codec.binaryEvent("e", new byte[0]).numbered(1).payload());
        assertEquals(0, empty.bytes().length);
    }

    @Test
    void binaryEventHasALengthPrefixedJsonHeaderThenThePayload() {
        byte[] frame = codec.binaryEvent("blob", new byte[] {7, 8}).numbered(12).payload();
        byte[] header = "[\"ev\",\"blob\",12]".getBytes(StandardCharsets.UTF_8);
        ByteBuffer expected = ByteBuffer.allocate(4 + header.length + 2);
        expected.putInt(header.length).put(header).put(new byte[] {7, 8});
        assertArrayEquals(expected.array(), frame);
    }

    @Test
    void binaryHeaderMayCarryElementsANewerPeerAppends() throws Exception {
        Frame.BinaryEmit in = (Frame.BinaryEmit) codec.decodeBinary(binary("[\"ev\",\"b\",1,0,{\"x\":1}]", 5, 6));
        assertEquals("b", in.name());
        assertEquals(1, in.seq());
        assertEquals(0, in.ack());
        assertEquals(Frame.UNNUMBERED, ((Frame.BinaryEmit) codec.decodeBinary(binary("[\"ev\",\"b\"]"))).seq());
        assertArrayEquals(new byte[] {5, 6}, in.bytes());
    }

    @Test
    void malformedBinaryFramesAreRefused() {
        assertBadBinary(new byte[0]);
        assertBadBinary(new byte[] {0, 0, 0});
        assertBadBinary(new byte[] {0, 0, 0, 0});
        assertBadBinary(new byte[] {0, 0, 0, 5, '[', '"'});
        assertBadBinary(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, '[', ']'});
        assertBadBinary(binary("{\"ev\":\"b\"}"));
        assertBadBinary(binary("[\"ping\"]"));
        assertBadBinary(binary("[\"ev\"]"));
        assertBadBinary(binary("[\"ev\",1]"));
        assertBadBinary(binary("[\"ev\",\"\"]"));
        assertBadBinary(binary("[\"ev\",\"" + NAME_129 + "\"]"));
        assertBadBinary(binary("[\"ev\",\"b\""));
        assertBadBinary(binary("[\"ev\",\"b\",tru]"));
        assertBadBinary(binary("[\"ev\",\"b\"," + "[".repeat(40) + "]".repeat(40) + "]"));
        assertBadBinary(binary("[\"ev\",\"b\",{\"seq\":1}]"));
        assertBadBinary(binary("[\"ev\",\"b\",0]"));
        assertBadBinary(binary("[\"ev\",\"b\",1,-2]"));
    }

    @Test
    void binaryHeaderWithTrailingDataIsRefused() {
        assertBadBinary(binary("[\"ev\",\"b\"]x", 1));
        assertBadBinary(binary("[\"ev\",\"b\"][]", 1));
    }

    @Test
    void binaryHeaderThatIsNotUtf8IsRefused() {
        byte[] header = {'[', '"', 'e', 'v', '"', ',', '"', (byte) 0xc3, '"', ']'};
        ByteBuffer frame =
                ByteBuffer.allocate(4 + header.length).putInt(header.length).put(header);
        assertBadBinary(frame.array());
    }

    @Test
    void binaryHeaderWithAnEncodedSurrogateIsRefused() throws Exception {
        // FrameCodecFuzzTest's shrunk counterexample: the name holds ED A0 86, a UTF-16 surrogate
        // encoded as if it were a character, which is not UTF-8 but which Jackson's byte parser read.
        String hex =
                "000000335b226576222c22e0a280e0a080e0a080e0a080eda086e69b94c8b8e6b283e6a2aee8a3a0e8b6ab222c3138362c34323231375d";
        assertBadBinary(HexFormat.of().parseHex(hex));
        // The same frame with U+0800 (E0 A0 80) in its place is a frame.
        Frame.BinaryEmit fixed =
                (Frame.BinaryEmit) codec.decodeBinary(HexFormat.of().parseHex(hex.replace("eda086", "e0a080")));
        assertEquals(186, fixed.seq());
        assertEquals(42217, fixed.ack());
    }

    // ---- encoding

    @Test
    void helloCarriesVersionPageHeartbeatAndAck() {
        assertEquals(
                "[\"hello\",{\"v\":1,\"page\":\"abc\",\"heartbeat\":15000,\"ack\":12}]",
                codec.hello("abc", 15000, 12).text());
    }

    @Test
    void controlFramesOfReliability() {
        assertEquals("[\"ack\",57]", codec.ack(57).text());
        assertEquals(
                "[\"missed\",{\"from\":58,\"to\":311,\"reason\":\"replay buffer full (1024 frames)\"}]",
                codec.missed(58, 311, "replay buffer full (1024 frames)").text());
    }

    @Test
    void dataFramesAreNumberedAtSendTimeWithAnOptionalAck() {
        DataFrame e = codec.event("p", List.of(1));
        assertEquals("[\"ev\",\"p\",[1],1]", e.numbered(1).text());
        assertEquals("[\"ev\",\"p\",[1],42,7]", e.numbered(42, 7).text());
        assertEquals("[\"ev\",\"p\",[1],1]", e.numbered(1).text(), "the shared encoding is not changed");
        assertEquals(e.numbered(123).size(), e.size(123));
        assertEquals(
                codec.binaryEvent("b", new byte[3]).numbered(9).size(),
                codec.binaryEvent("b", new byte[3]).size(9));
    }

    @Test
    void callsAndRepliesEncodeAsSection11Says() {
        assertEquals(
                "[\"call\",3,\"ask\",{\"q\":1},8]",
                codec.call(3, "ask", Map.of("q", 1)).numbered(8).text());
        assertEquals(
                "[\"call\",3,\"ask\",null,8]",
                codec.call(3, "ask", null).numbered(8).text());
        assertEquals(
                "[\"res\",3,true,\"ok\",9]", codec.result(3, "ok").numbered(9).text());
        assertEquals(
                "[\"res\",3,false,{\"code\":\"nope\",\"message\":\"no\"},9]",
                codec.failure(3, "nope", "no").numbered(9).text());
    }

    @Test
    void eventEncodesItsDataAsJson() {
        record Point(int x, int y) {}
        assertEquals(
                "[\"ev\",\"p\",{\"x\":1,\"y\":2},1]",
                codec.event("p", new Point(1, 2)).numbered(1).text());
        assertEquals("[\"ev\",\"p\",null,1]", codec.event("p", null).numbered(1).text());
        assertEquals(
                "[\"ev\",\"p\",\"a\\\"b\",1]",
                codec.event("p", "a\"b").numbered(1).text());
        assertEquals(
                "[\"ev\",\"p\",[1,\"two\"],1]",
                codec.event("p", List.of(1, "two")).numbered(1).text());
        assertEquals(
                "[\"ev\",\"p\",{\"k\":true},1]",
                codec.event("p", Map.of("k", true)).numbered(1).text());
        assertEquals(
                "[\"ev\",\"p\",3.5,1]",
                codec.event("p", JsonNodeFactory.instance.numberNode(3.5))
                        .numbered(1)
                        .text());
        assertFalse(codec.event("p", "line\nbreak").binary());
    }

    @Test
    void encodedFramesNeverContainARawNewline() {
        // Fallback transports separate frames by newlines (docs/PROTOCOL.md §8.1).
        assertFalse(
                codec.event("p", Map.of("t", "a\nb\r\nc")).numbered(1).text().contains("\n"));
        assertFalse(codec.error("c", "line\nbreak").numbered(1).text().contains("\n"));
    }

    @Test
    void errorCarriesCodeAndMessage() {
        assertEquals(
                "[\"err\",\"too_long\",\"say less\",4]",
                codec.error("too_long", "say less").numbered(4).text());
    }

    @Test
    void pingAndPong() {
        assertEquals("[\"ping\"]", codec.ping().text());
        assertEquals("[\"pong\"]", codec.pong().text());
    }

    @Test
    void encodingAnEventWithABadNameOrUnencodableDataFails() {
        assertThrows(IllegalArgumentException.class, () -> codec.event("", 1));
        assertThrows(IllegalArgumentException.class, () -> codec.event(null, 1));
        assertThrows(IllegalArgumentException.class, () -> codec.event(NAME_129, 1));
        assertThrows(IllegalArgumentException.class, () -> codec.binaryEvent(NAME_129, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> codec.event("x", new Object()));
        codec.event(NAME_128, 1);
    }

    @Test
    void decodedEventsRoundTripWhatWasEncoded() throws Exception {
        OutFrame out =
                codec.event("p", Map.of("list", List.of(1, 2), "s", "é\u2028")).numbered(3, 1);
        Frame.Emit in = (Frame.Emit) codec.decode(out.text());
        assertEquals("p", in.name());
        assertEquals(Json.mapper().valueToTree(Map.of("list", List.of(1, 2), "s", "é\u2028")), in.data());
    }

    private ProtocolException assertBadFrame(String text) {
        return assertBadFrame(codec, text);
    }

    private static ProtocolException assertBadFrame(FrameCodec codec, String text) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(text), text);
        assertEquals(CloseCodes.BAD_FRAME, e.code(), text);
        assertNull(e.getCause());
        return e;
    }

    private void assertBadBinary(byte[] message) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decodeBinary(message));
        assertEquals(CloseCodes.BAD_FRAME, e.code());
    }

    // ---- channels (§12.1)

    @Test
    void aFrameThatStartsWithANumberBelongsToThatChannel() throws Exception {
        JsonNodeFactory f = JsonNodeFactory.instance;
        assertEquals(
                new Frame.OnChannel(3, new Frame.Emit("say", f.numberNode(1), 7, 5)),
                codec.decode("[3,\"ev\",\"say\",1,7,5]"));
        assertEquals(
                new Frame.OnChannel(1, new Frame.Call(2, "add", f.nullNode(), 8, Frame.NO_ACK)),
                codec.decode("[1,\"call\",2,\"add\",null,8]"));
        assertEquals(
                new Frame.OnChannel(1, new Frame.Result(2, true, f.textNode("ok"), 9, Frame.NO_ACK)),
                codec.decode("[1,\"res\",2,true,\"ok\",9]"));
    }

    @Test
    void decodesChannelOpensAndCloses() throws Exception {
        JsonNodeFactory f = JsonNodeFactory.instance;
        assertEquals(
                new Frame.ChannelOpen(1, "/stocks", f.objectNode().put("s", "ACME"), 4, 2),
                codec.decode("[\"chopen\",1,\"/stocks\",{\"s\":\"ACME\"},4,2]"));
        assertEquals(
                new Frame.ChannelClose(1, "closed", "done", 5, Frame.NO_ACK),
                codec.decode("[\"chclose\",1,\"closed\",\"done\",5]"));
    }

    @Test
    void malformedChannelFramesAreBadFrames() {
        assertBadFrame("[0,\"ev\",\"x\",null,1]");
        assertBadFrame("[-1,\"ev\",\"x\",null,1]");
        assertBadFrame("[1,\"ping\"]");
        assertBadFrame("[1,\"chopen\",2,\"/x\",null,1]");
        assertBadFrame("[1,2,\"ev\"]");
        assertBadFrame("[\"chopen\",0,\"/x\",null,1]");
        assertBadFrame("[\"chopen\",1,\"relative\",null,1]");
        assertBadFrame("[\"chopen\",1,\"/" + "x".repeat(FrameCodec.MAX_PATH_LENGTH) + "\",null,1]");
        assertBadFrame("[\"chclose\",1,2,\"r\",1]");
    }

    @Test
    void aBinaryHeaderMayNameAChannel() throws Exception {
        byte[] header = "[2,\"ev\",\"pic\",3]".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 + header.length + 2);
        buf.putInt(header.length).put(header).put((byte) 7).put((byte) 8);
        Frame.OnChannel on = assertInstanceOf(Frame.OnChannel.class, codec.decodeBinary(buf.array()));
        assertEquals(2, on.channel());
        Frame.BinaryEmit emit = assertInstanceOf(Frame.BinaryEmit.class, on.message());
        assertEquals("pic", emit.name());
        assertEquals(3, emit.seq());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {7, 8}, emit.bytes());
    }

    @Test
    void aFrameOnAChannelIsTheSameBytesWithTheNumberInFront() {
        DataFrame frame = codec.event("tick", 42);
        assertEquals("[5,\"ev\",\"tick\",42,9]", frame.onChannel(5).numbered(9).text());
        assertEquals("[\"chok\",5,1]", codec.channelOpened(5).numbered(1).text());
        assertEquals(
                "[\"chclose\",5,\"refused\",\"no\",2,1]",
                codec.channelClosed(5, "refused", "no").numbered(2, 1).text());
        DataFrame binary = codec.binaryEvent("pic", new byte[] {1});
        assertEquals(
                binary.numbered(3).payload().length + 2,
                binary.onChannel(5).numbered(3).payload().length);
    }

    private static byte[] binary(String header, int... payload) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(4 + h.length + payload.length)
                .putInt(h.length)
                .put(h);
        for (int b : payload) {
            buf.put((byte) b);
        }
        return buf.array();
    }
}
