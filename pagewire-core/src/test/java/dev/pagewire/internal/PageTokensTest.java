package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PageTokensTest {

    private static final long NOW = 1_700_000_000L;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private final PageTokens tokens =
            new PageTokens(secret(1), Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    private final String pageId = new PageIds().newId(0);
    private final String token = tokens.issue(pageId, "/chat");

    @Test
    void anIssuedTokenVerifiesForItsPathAndNamesItsPageAndTime() {
        assertEquals(new PageTokens.Verified(pageId, NOW), tokens.verify(token, "/chat"));
    }

    @Test
    void tokenHasTheDocumentedFormat() {
        String[] parts = token.split("\\.");
        assertEquals(4, parts.length, token);
        assertEquals("v1", parts[0]);
        assertEquals(pageId, parts[1]);
        assertEquals(Long.toString(NOW), parts[2]);
        assertTrue(parts[3].matches("[A-Za-z0-9_-]{43}"), "base64url of 32 MAC bytes: " + parts[3]);
    }

    @Test
    void aTokenHasOneSpellingOnly() {
        // The MAC covers the issue time as a number: other spellings of the number are other
        // tokens, refused, or one page would have several valid tokens.
        String[] parts = token.split("\\.");
        for (String time : new String[] {"0" + NOW, "+" + NOW, "00" + NOW, " " + NOW, NOW + " ", "-0", ""}) {
            String respelled = parts[0] + "." + parts[1] + "." + time + "." + parts[3];
            assertNull(tokens.verify(respelled, "/chat"), respelled);
        }
        // A time of 0 is spelled "0".
        PageTokens epoch = new PageTokens(secret(1), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        String atZero = epoch.issue(pageId, "/chat");
        assertEquals(new PageTokens.Verified(pageId, 0), epoch.verify(atZero, "/chat"));
    }

    @Test
    void aPathWithAnUnpairedSurrogateHasNoTokenAndSharesNone() {
        // PageTokensFuzzTest's shrunk counterexample: this token, issued for "/?", verified at "/"
        // and a lone surrogate as well, because UTF-8 wrote the surrogate as '?' before signing.
        PageTokens epoch = new PageTokens(secret(1), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        String id = "AAAAAAAAAAAAAAAAAAAAAA";
        String token = epoch.issue(id, "/?");
        assertEquals("v1.AAAAAAAAAAAAAAAAAAAAAA.0.v_EwxLtAxvQd4Z8l0LF_PeyolyFkFI-VPZu0wtAdWXs", token);
        assertEquals(new PageTokens.Verified(id, 0), epoch.verify(token, "/?"));
        assertNull(epoch.verify(token, "/\uD800"));
        assertNull(epoch.verify(token, "/\uDC00"));
        assertThrows(IllegalArgumentException.class, () -> epoch.issue(id, "/\uD800"));
        assertThrows(IllegalArgumentException.class, () -> epoch.issue(id, "/\uDE00\uD83D"), "a pair reversed");
        // A pair in order is one character, signed as such.
        String emoji = epoch.issue(id, "/\uD83D\uDE00");
        assertEquals(new PageTokens.Verified(id, 0), epoch.verify(emoji, "/\uD83D\uDE00"));
        assertNull(epoch.verify(emoji, "/?"));
    }

    @Test
    void tokensVerifyAcrossInstancesWithTheSameSecret() {
        PageTokens otherNode = new PageTokens(secret(1), Clock.systemUTC());
        assertNotNull(otherNode.verify(token, "/chat"));
    }

    @Test
    void tokenForAnotherPathIsRefused() {
        assertNull(tokens.verify(token, "/admin"));
        assertNull(tokens.verify(token, "/chat/"));
        assertNull(tokens.verify(token, "/Chat"));
    }

    @Test
    void tokenSignedWithAnotherSecretIsRefused() {
        PageTokens other = new PageTokens(secret(2), Clock.systemUTC());
        assertNull(other.verify(token, "/chat"));
        assertNull(tokens.verify(other.issue(pageId, "/chat"), "/chat"));
    }

    @Test
    void tamperedMacIsRefused() {
        String mac = token.substring(token.lastIndexOf('.') + 1);
        String prefix = token.substring(0, token.lastIndexOf('.') + 1);
        char[] flipped = mac.toCharArray();
        flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
        assertNull(tokens.verify(prefix + new String(flipped), "/chat"));
        assertNull(tokens.verify(prefix + mac.substring(1), "/chat"));
        assertNull(tokens.verify(prefix + mac + "A", "/chat"));
        assertNull(tokens.verify(prefix + mac + "=", "/chat"));
        assertNull(tokens.verify(prefix, "/chat"));
    }

    @Test
    void everyOtherLastCharacterOfTheMacIsRefused() {
        // The last base64 character carries unused bits that a decoder ignores: the MAC must still
        // be compared exactly as issued.
        String body = token.substring(0, token.length() - 1);
        char last = token.charAt(token.length() - 1);
        for (char c : ALPHABET.toCharArray()) {
            if (c != last) {
                assertNull(tokens.verify(body + c, "/chat"), "last character " + c + " instead of " + last);
            }
        }
    }

    @Test
    void tokenOfAnotherPageOrTimeIsRefused() {
        String otherPage = new PageIds().newId(0);
        String[] parts = token.split("\\.");
        assertNull(tokens.verify("v1." + otherPage + "." + parts[2] + "." + parts[3], "/chat"));
        assertNull(tokens.verify("v1." + parts[1] + "." + (NOW + 3600) + "." + parts[3], "/chat"));
    }

    @Test
    void malformedTokensAreRefused() {
        String[] parts = token.split("\\.");
        for (String bad : new String[] {
            "",
            ".",
            "garbage",
            "v1." + parts[1] + "." + parts[2],
            token + ".extra",
            token + ".",
            "v2." + parts[1] + "." + parts[2] + "." + parts[3],
            "V1." + parts[1] + "." + parts[2] + "." + parts[3],
            "v1." + parts[1] + ".soon." + parts[3],
            "v1." + parts[1] + ".." + parts[3],
            "v1." + parts[1] + ".99999999999999999999." + parts[3],
            "v1." + parts[1].substring(1) + "." + parts[2] + "." + parts[3],
            token + "A".repeat(300),
        }) {
            assertNull(tokens.verify(bad, "/chat"), bad);
        }
        assertNull(tokens.verify(null, "/chat"));
    }

    @Test
    void overlongTokenIsRefusedBeforeAnyParsing() {
        String longPath = "/" + "p".repeat(300);
        String longToken = tokens.issue(pageId, longPath);
        assertNotNull(tokens.verify(longToken, longPath), "the path is signed, not carried");
        assertNull(tokens.verify("v1." + pageId + "." + "1".repeat(260) + ".x", "/chat"));
    }

    @Test
    void pageIdsAre22Base64urlCharactersAndDistinct() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = new PageIds().newId(0);
            assertTrue(id.matches("[A-Za-z0-9_-]{22}"), id);
            ids.add(id);
        }
        assertEquals(10_000, ids.size());
    }

    private static byte[] secret(int seed) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) seed);
        return s;
    }
}
