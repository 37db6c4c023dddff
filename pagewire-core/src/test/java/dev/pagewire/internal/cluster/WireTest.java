package dev.pagewire.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The bytes of relay messages: what a writer or a batch writes, a reader reads back. */
class WireTest {

    @Test
    void aMessageReadsBackFieldByField() {
        byte[] bytes = new Wire.Writer(Relay.RESPOND, 7, 0)
                .i32(200)
                .str("ok")
                .str(null)
                .i8(-3)
                .bytes(new byte[] {1, 2, 3})
                .number(42)
                .bytes();
        Wire.Reader in = new Wire.Reader(bytes);
        assertEquals(Relay.RESPOND, in.type);
        assertEquals(42, in.seq);
        assertEquals(7, in.tunnel);
        assertEquals(200, in.i32());
        assertEquals("ok", in.str());
        assertNull(in.str());
        assertEquals(-3, in.i8());
        assertArrayEquals(new byte[] {1, 2, 3}, in.bytes());
    }

    @Test
    void aBatchHoldsWritersAndFramesInOrderAndEachIsReadWhetherOrNotItsFieldsWere() {
        Wire.Batch batch = new Wire.Batch(16);
        batch.add(new Wire.Writer(Relay.WRITE, 1, 0)
                .bytes("first".getBytes(StandardCharsets.UTF_8))
                .number(1));
        byte[] big = new byte[100]; // more than the batch's first guess: it grows
        Arrays.fill(big, (byte) 'x');
        batch.frame(2, 5, false, big);
        batch.frame(3, 6, true, new byte[] {9});
        assertEquals(3, batch.count());

        Wire.Reader in = new Wire.Reader(batch.bytes());
        assertEquals(Relay.BATCH, in.type);
        assertEquals(3, in.i32());
        in.enter();
        assertEquals(Relay.WRITE, in.type);
        assertEquals(1, in.seq);
        assertEquals(1, in.tunnel);
        in.leave(); // its bytes not read: the next message is still found
        in.enter();
        assertEquals(Relay.FRAME, in.type);
        assertEquals(2, in.seq);
        assertEquals(5, in.tunnel);
        assertEquals(0, in.i8());
        assertArrayEquals(big, in.bytes());
        in.leave();
        in.enter();
        assertEquals(3, in.seq);
        assertEquals(6, in.tunnel);
        assertEquals(1, in.i8());
        assertArrayEquals(new byte[] {9}, in.bytes());
        in.leave();
    }

    @Test
    void aBatchOfOneIsThatMessageAlone() {
        Wire.Batch batch = new Wire.Batch(1024);
        batch.frame(8, 3, false, "[1]".getBytes(StandardCharsets.US_ASCII));
        byte[] alone = new Wire.Writer(Relay.FRAME, 3, 0)
                .i8(0)
                .bytes("[1]".getBytes(StandardCharsets.US_ASCII))
                .number(8)
                .bytes();
        assertArrayEquals(alone, batch.bytes());
    }

    @Test
    void whatDoesNotFitIsMalformedNeverReadPastItsMessage() {
        assertThrows(Wire.Malformed.class, () -> new Wire.Reader(new byte[5]));
        byte[] ok = new Wire.Writer(Relay.WRITE, 1, 0)
                .bytes(new byte[] {1, 2})
                .number(1)
                .bytes();
        // A length beyond the message.
        byte[] longer = ok.clone();
        longer[longer.length - 3] = 9;
        assertThrows(Wire.Malformed.class, () -> new Wire.Reader(longer).bytes());
        // A message of a batch cannot read into the next one.
        Wire.Batch batch = new Wire.Batch(64);
        batch.add(new Wire.Writer(Relay.EDGE_END, 1, 0).number(1));
        batch.add(new Wire.Writer(Relay.WRITE, 2, 0).bytes(new byte[] {1}).number(2));
        Wire.Reader in = new Wire.Reader(batch.bytes());
        in.i32();
        in.enter();
        assertThrows(Wire.Malformed.class, in::i32);
        // A batch that claims more than it has.
        byte[] truncated = Arrays.copyOf(batch.bytes(), batch.bytes().length - 1);
        Wire.Reader cut = new Wire.Reader(truncated);
        cut.i32();
        cut.enter();
        cut.leave();
        assertThrows(Wire.Malformed.class, cut::enter);
    }
}
