package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code If-None-Match} against a response's tag, by weak comparison (RFC 9110 §13.1.2). */
class EntityTagsTest {

    @Test
    void aListedTagMatchesWeakOrStrong() {
        assertTrue(EntityTags.matches("\"abc\"", "\"abc\""));
        assertTrue(EntityTags.matches("W/\"abc\"", "\"abc\""));
        assertTrue(EntityTags.matches("\"x\", \"abc\"", "\"abc\""));
        assertTrue(EntityTags.matches(" * ", "\"abc\""));
    }

    @Test
    void anythingElseDoesNot() {
        assertFalse(EntityTags.matches(null, "\"abc\""));
        assertFalse(EntityTags.matches("", "\"abc\""));
        assertFalse(EntityTags.matches("\"abcd\"", "\"abc\""));
        assertFalse(EntityTags.matches("abc", "\"abc\""), "unquoted is no tag");
        assertFalse(EntityTags.matches("\"ab\", \"c\"", "\"abc\""));
    }
}
