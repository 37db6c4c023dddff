package dev.pagewire.gateway.internal;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Pagewire-Signature} header of webhooks and publish API requests (docs/GATEWAY.md,
 * "Verifying a signature"): {@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}.
 * Immutable and thread-safe.
 */
final class Signatures {

    /** The request header that carries a signature. */
    static final String HEADER = "Pagewire-Signature";

    /** How far a signature's {@code t} may be from this clock, in seconds (the replay window). */
    static final long WINDOW_SECONDS = 300;

    private static final Pattern FORMAT = Pattern.compile("t=(\\d{1,12}),v1=([0-9a-f]{64})");
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec key;

    Signatures(byte[] secret) {
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** The header value signing {@code body} at Unix time {@code t}. */
    String sign(long t, byte[] body) {
        return "t=" + t + ",v1=" + HEX.formatHex(mac(t, body));
    }

    /**
     * Checks a request's signature against its body and this clock.
     *
     * @param header the {@code Pagewire-Signature} value, or {@code null} when absent
     * @param now this clock, in Unix seconds
     * @return {@code null} when the signature holds, else why not (safe to send back: it names no secret)
     */
    String refusal(String header, byte[] body, long now) {
        if (header == null) {
            return "no " + HEADER + " header";
        }
        Matcher m = FORMAT.matcher(header.strip());
        if (!m.matches()) {
            return "malformed " + HEADER + ": expected t=<unix seconds>,v1=<64 lowercase hex digits>";
        }
        long t = Long.parseLong(m.group(1));
        if (Math.abs(now - t) > WINDOW_SECONDS) {
            return "stale " + HEADER + ": t is " + Math.abs(now - t) + " s from the gateway's clock (at most "
                    + WINDOW_SECONDS + ")";
        }
        byte[] given = HEX.parseHex(m.group(2));
        if (!MessageDigest.isEqual(given, mac(t, body))) {
            return HEADER + " does not match the body (another secret, or a changed body)";
        }
        return null;
    }

    private byte[] mac(long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every Java runtime has HmacSHA256, and any byte string is a valid key for it.
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
