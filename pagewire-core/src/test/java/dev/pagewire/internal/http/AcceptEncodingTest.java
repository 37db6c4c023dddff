package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The coding chosen for a body by the request's {@code Accept-Encoding} (RFC 9110 §12.5.3). */
class AcceptEncodingTest {

    private static final List<String> OFFERED = List.of("br", "gzip");

    private static String choose(String header) {
        return AcceptEncoding.choose(header, OFFERED);
    }

    @Test
    void withoutTheHeaderTheBodyGoesAsItIs() {
        assertEquals("identity", choose(null));
        assertEquals("identity", choose(""));
    }

    @Test
    void theServersPreferenceDecidesBetweenEquallyRatedCodings() {
        assertEquals("br", choose("gzip, deflate, br, zstd"));
        assertEquals("br", choose("*"));
        assertEquals("gzip", choose("gzip"));
        assertEquals("gzip", choose("x-gzip"));
        assertEquals("br", choose("BR, GZIP"));
    }

    @Test
    void higherRatingsWin() {
        assertEquals("gzip", choose("br;q=0.4, gzip;q=0.5"));
        assertEquals("br", choose("br; q=1.0, gzip;q=0.999"));
        assertEquals("gzip", choose("gzip, *;q=0.1"));
    }

    @Test
    void zeroMeansNo() {
        assertEquals("gzip", choose("br;q=0, gzip"));
        assertEquals("identity", choose("br;q=0, gzip;q=0.0"));
        assertEquals("identity", choose("*;q=0"));
        assertEquals("gzip", choose("*;q=0, gzip"));
        assertEquals("identity", choose("deflate, identity"));
    }

    @Test
    void anUnreadableRatingIsNotAYes() {
        assertEquals("gzip", choose("br;q=yes, gzip"));
        assertEquals("gzip", choose("br;q=2, gzip"));
    }
}
