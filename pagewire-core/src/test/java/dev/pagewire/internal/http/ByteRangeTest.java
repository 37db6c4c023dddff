package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** {@code Range: bytes=…} as RFC 9110 §14.1.2 defines it, against a file of 100 bytes. */
class ByteRangeTest {

    @Test
    void aClosedRangeIsClippedToTheFile() {
        assertEquals(new ByteRange(0, 9), ByteRange.parse("bytes=0-9", 100));
        assertEquals(new ByteRange(90, 99), ByteRange.parse("bytes=90-500", 100));
        assertEquals(new ByteRange(99, 99), ByteRange.parse("bytes=99-99", 100));
    }

    @Test
    void anOpenRangeRunsToTheEnd() {
        assertEquals(new ByteRange(40, 99), ByteRange.parse("bytes=40-", 100));
        assertEquals(new ByteRange(0, 99), ByteRange.parse("bytes=0-", 100));
    }

    @Test
    void aSuffixRangeIsTheLastBytes() {
        assertEquals(new ByteRange(90, 99), ByteRange.parse("bytes=-10", 100));
        assertEquals(new ByteRange(0, 99), ByteRange.parse("bytes=-1000", 100));
    }

    @Test
    void unitAndSpacesAreLenient() {
        assertEquals(new ByteRange(1, 2), ByteRange.parse(" Bytes = 1-2 ", 100));
    }

    @Test
    void aRangeFromPastTheEndIsUnsatisfiable() {
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=100-", 100));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=100-200", 100));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=-0", 100));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=0-", 0));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=99999999999999999999999-", 100));
    }

    @Test
    void whatIsNotOneValidByteRangeIsIgnored() {
        assertNull(ByteRange.parse(null, 100));
        assertNull(ByteRange.parse("bytes=0-1,5-6", 100), "several ranges: the whole file");
        assertNull(ByteRange.parse("items=0-1", 100));
        assertNull(ByteRange.parse("bytes=5-1", 100));
        assertNull(ByteRange.parse("bytes=a-b", 100));
        assertNull(ByteRange.parse("bytes=-", 100));
        assertNull(ByteRange.parse("bytes=+1-2", 100));
        assertNull(ByteRange.parse("bytes 0-1", 100));
    }

    @Test
    void contentRangeNamesTheRangeAndTheSize() {
        assertEquals("bytes 0-9/100", new ByteRange(0, 9).contentRange(100));
        assertEquals(10, new ByteRange(0, 9).length());
    }
}
