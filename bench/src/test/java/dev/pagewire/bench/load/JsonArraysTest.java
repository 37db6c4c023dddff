package dev.pagewire.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonArraysTest {

    @Test
    void splitsTopLevelElementsKeepingNestedValuesAndQuotedCommas() {
        assertEquals(
                List.of("\"ev\"", "\"a,]b\"", "{\"x\":[1,2]}", "7", "3"),
                JsonArrays.elements("[\"ev\",\"a,]b\",{\"x\":[1,2]},7,3]", 0));
    }

    @Test
    void readsAnArrayAfterAPrefix() {
        assertEquals(List.of("\"echo\"", "\"12\""), JsonArrays.elements("42[\"echo\",\"12\"]", 2));
    }

    @Test
    void anEmptyArrayHasNoElements() {
        assertEquals(List.of(), JsonArrays.elements("[]", 0));
    }

    @Test
    void escapedQuotesStayInsideTheirString() {
        assertEquals(List.of("\"a\\\"b\"", "1"), JsonArrays.elements("[\"a\\\"b\",1]", 0));
    }

    @Test
    void somethingElseIsRefusedWithTheText() {
        var e = assertThrows(IllegalArgumentException.class, () -> JsonArrays.elements("{\"a\":1}", 0));
        assertEquals("not a JSON array: {\"a\":1}", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JsonArrays.elements("[1,2", 0));
    }
}
