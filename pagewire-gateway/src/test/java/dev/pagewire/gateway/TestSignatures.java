package dev.pagewire.gateway;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signatures as a backend computes them (docs/GATEWAY.md, "Verifying a signature"), written apart
 * from the gateway's own code so that tests check the contract, not the implementation against itself.
 */
final class TestSignatures {

    private static final Pattern HEADER = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})");

    private TestSignatures() {}

    /** The {@code Pagewire-Signature} value of {@code body} at Unix second {@code t}. */
    static String sign(String secret, long t, byte[] body) {
        return "t=" + t + ",v1=" + hmac(secret, t, body);
    }

    /** {@link #sign} now. */
    static String signNow(String secret, String body) {
        return sign(secret, System.currentTimeMillis() / 1000, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code header} signs {@code body} with {@code secret} (the time is not checked). */
    static boolean verify(String secret, String header, byte[] body) {
        Matcher m = header == null ? null : HEADER.matcher(header);
        return m != null
                && m.matches()
                && hmac(secret, Long.parseLong(m.group(1)), body).equals(m.group(2));
    }

    private static String hmac(String secret, long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is in every JDK", e);
        }
    }
}
