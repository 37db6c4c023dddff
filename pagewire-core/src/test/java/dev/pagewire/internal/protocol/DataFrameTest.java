package dev.pagewire.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pagewire.spi.OutFrame;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A data frame's encoding without its number: what a topic broadcast carries between nodes. */
class DataFrameTest {

    private final FrameCodec codec = new FrameCodec(32, 64 * 1024);

    @Test
    void anEventIsEncodedAsItsUnnumberedFrame() {
        DataFrame frame = codec.event("said", Map.of("text", "hi"));
        assertEquals("[\"ev\",\"said\",{\"text\":\"hi\"}]", new String(frame.encoded(), StandardCharsets.UTF_8));
        assertSame(frame.encoded(), frame.encoded(), "the encoding is the frame's own bytes, not a copy");
    }

    @Test
    void theFrameMadeFromAnEncodingNumbersAndSizesLikeTheOriginal() {
        DataFrame original = codec.event("said", "hi");
        DataFrame again = DataFrame.fromEncoded(original.encoded().clone());
        assertEquals(original.numbered(7, 3).text(), again.numbered(7, 3).text());
        assertEquals("[\"ev\",\"said\",\"hi\",12]", again.numbered(12).text());
        assertEquals(again.numbered(12).size(), again.size(12));
        assertEquals(
                "[4,\"ev\",\"said\",\"hi\",1]", again.onChannel(4).numbered(1).text());
    }

    @Test
    void somethingThatIsNotAFrameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DataFrame.fromEncoded(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> DataFrame.fromEncoded("[".getBytes(StandardCharsets.UTF_8)));
        assertThrows(
                IllegalArgumentException.class,
                () -> DataFrame.fromEncoded("{\"ev\":1}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aBinaryFrameHasNoTextEncoding() {
        DataFrame binary = codec.binaryEvent("blob", new byte[] {1, 2});
        assertThrows(IllegalStateException.class, binary::encoded);
    }

    @Test
    void numbersAndAcksOfEveryLengthAreSplicedInAsDecimalText() {
        DataFrame text = codec.event("said", "hi");
        DataFrame binary = codec.binaryEvent("blob", new byte[] {1, 2});
        for (long n : new long[] {0, 1, 9, 10, 99, 100, 12_345, 999_999_999_999L, Long.MAX_VALUE}) {
            assertEquals("[\"ev\",\"said\",\"hi\"," + n + "]", text.numbered(n).text());
            assertEquals(
                    "[\"ev\",\"said\",\"hi\",5," + n + "]", text.numbered(5, n).text());
            assertEquals(text.numbered(n).size(), text.size(n));

            OutFrame b = binary.numbered(n, 3);
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(b.payload());
            byte[] header = new byte[in.getInt()];
            in.get(header);
            assertEquals("[\"ev\",\"blob\"," + n + ",3]", new String(header, StandardCharsets.UTF_8));
            assertEquals(2, in.remaining());
            assertEquals(1, in.get());
            assertEquals(2, in.get());
            assertEquals(binary.numbered(n).size(), binary.size(n));
        }
    }
}
