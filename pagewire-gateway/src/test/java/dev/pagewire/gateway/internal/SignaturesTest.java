package dev.pagewire.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** docs/GATEWAY.md, "Verifying a signature": what the PHP and Python snippets there check. */
class SignaturesTest {

    static final String SECRET = "pagewire-test-secret-0123456789abcdef";
    private static final byte[] BODY = "{\"op\":\"emit\"}".getBytes(StandardCharsets.UTF_8);
    private final Signatures signatures = new Signatures(SECRET.getBytes(StandardCharsets.UTF_8));

    @Test
    void signsAsOpensslComputesIt() {
        // printf '%s' '1764770000.{"op":"emit"}' | openssl dgst -sha256 -hmac "$SECRET"
        assertEquals(
                "t=1764770000,v1=6cbe06dda1b08c537f5ea56d6461f27100d1e24906f18dc7af65c1fb5cf64b69",
                signatures.sign(1764770000L, BODY));
    }

    @Test
    void itsOwnSignatureVerifiesWithinTheWindow() {
        String header = signatures.sign(1764770000L, BODY);
        assertNull(signatures.refusal(header, BODY, 1764770000L));
        assertNull(signatures.refusal(header, BODY, 1764770000L + 300));
        assertNull(signatures.refusal(header, BODY, 1764770000L - 300));
    }

    @Test
    void aTamperedBodyIsRefused() {
        String header = signatures.sign(1764770000L, BODY);
        byte[] tampered = "{\"op\":\"close\"}".getBytes(StandardCharsets.UTF_8);
        assertTrue(signatures.refusal(header, tampered, 1764770000L).contains("does not match"));
    }

    @Test
    void anotherSecretIsRefused() {
        String header = new Signatures("another-secret-0123456789abcdef-xyz".getBytes(StandardCharsets.UTF_8))
                .sign(1764770000L, BODY);
        assertTrue(signatures.refusal(header, BODY, 1764770000L).contains("does not match"));
    }

    @Test
    void aStaleOrFutureTimestampIsRefused() {
        String header = signatures.sign(1764770000L, BODY);
        assertTrue(signatures.refusal(header, BODY, 1764770000L + 301).startsWith("stale"));
        assertTrue(signatures.refusal(header, BODY, 1764770000L - 301).startsWith("stale"));
    }

    @Test
    void aMissingOrMalformedHeaderIsRefusedWithAReason() {
        assertTrue(signatures.refusal(null, BODY, 0).startsWith("no Pagewire-Signature"));
        assertTrue(signatures.refusal("v1=abc", BODY, 0).startsWith("malformed"));
        String upper = signatures.sign(1764770000L, BODY).toUpperCase();
        assertTrue(signatures.refusal(upper, BODY, 1764770000L).startsWith("malformed"));
    }
}
