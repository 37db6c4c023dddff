package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pagewire.testing.Counts;
import dev.pagewire.testing.Draw;
import dev.pagewire.testing.Fuzz;
import dev.pagewire.testing.Mutations;
import dev.pagewire.testing.Shrinker;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the page token (docs/PROTOCOL.md §1, docs/SECURITY.md, Fuzzing): a token verifies
 * only if it is exactly one that was issued, for the path it was issued for, naming the page it
 * was issued to; anything else is refused ({@code null}), never an exception, never slowly.
 */
class PageTokensFuzzTest {

    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final byte[] SECRET = secret(1);

    @Test
    void anIssuedTokenVerifiesForItsPathAsItsPageAndTime() {
        Fuzz.forAll(
                PageTokensFuzzTest::issued,
                issued -> assertEquals(
                        new PageTokens.Verified(issued.pageId(), issued.issuedAt()),
                        tokens(0).verify(issued.token(), issued.path())));
    }

    @Test
    void aTokenVerifiesOnlyIfItIsExactlyTheOneIssued() {
        Counts<String> shapes = new Counts<>();
        Fuzz.forAll(
                PageTokensFuzzTest::mutant,
                Shrinker.part(Mutant::token, (mutant, token) -> new Mutant(mutant.issued(), token), Shrinker.STRINGS),
                mutant -> {
                    PageTokens.Verified verified =
                            tokens(0).verify(mutant.token(), mutant.issued().path());
                    if (mutant.token().equals(mutant.issued().token())) {
                        assertEquals(mutant.issued().pageId(), verified.pageId());
                    } else {
                        assertNull(verified, "a changed token verified");
                    }
                    shapes.add(mutant.shape());
                });
        // Most changes keep the token's shape, so the MAC comparison is what refuses them.
        shapes.assertShareAbove("token-shaped", 5);
    }

    @Test
    void aTokenNeverVerifiesForAnotherPath() {
        Fuzz.forAll(
                PageTokensFuzzTest::elsewhere,
                Shrinker.part(
                        Elsewhere::path,
                        (elsewhere, path) -> new Elsewhere(elsewhere.issued(), path),
                        Shrinker.STRINGS),
                elsewhere -> {
                    Issued issued = elsewhere.issued();
                    if (!elsewhere.path().equals(issued.path())) {
                        assertNull(tokens(0).verify(issued.token(), elsewhere.path()));
                    }
                });
    }

    @Test
    void piecesOfTwoIssuedTokensNeverMakeAThird() {
        Fuzz.forAll(random -> new Hybrid(issued(random), issued(random), random.nextInt(16)), hybrid -> {
            // Each of the four parts from a or from b: a token of one page with another's MAC or time.
            Issued a = hybrid.a();
            Issued b = hybrid.b();
            String token = hybrid.token();
            for (Issued target : new Issued[] {a, b}) {
                PageTokens.Verified verified = tokens(0).verify(token, target.path());
                if (verified != null) {
                    // Only a token that was issued for that path, naming the page it was issued to.
                    boolean isA = token.equals(a.token()) && target.path().equals(a.path());
                    boolean isB = token.equals(b.token()) && target.path().equals(b.path());
                    assertEquals(true, isA || isB, token + " verified for " + target.path());
                    assertEquals(isA ? a.pageId() : b.pageId(), verified.pageId());
                }
            }
        });
    }

    @Test
    void noTokenIsIssuedForAPathThatIsNotUnicode() {
        Fuzz.forAll(PageTokensFuzzTest::path, path -> {
            if (PageTokens.isUnicode(path)) {
                assertEquals(path, issuedFor(path).path());
            } else {
                assertThrows(IllegalArgumentException.class, () -> issuedFor(path));
            }
        });
    }

    private static Issued issuedFor(String path) {
        String pageId = "A".repeat(22);
        return new Issued(pageId, path, 0, tokens(0).issue(pageId, path));
    }

    @Test
    void aTokenOfAnotherSecretNeverVerifies() {
        Fuzz.forAll(random -> new OtherSecret(issued(random), Draw.bytes(random, 255)), other -> {
            if (other.secret().length > 0 && !Arrays.equals(other.secret(), SECRET)) {
                PageTokens tokens = new PageTokens(other.secret(), Clock.systemUTC());
                assertNull(tokens.verify(other.issued().token(), other.issued().path()));
            }
        });
    }

    @Test
    void anyTextIsRefusedWithoutThrowing() {
        Fuzz.forAll(
                random -> new Presented(Draw.string(random, 255), path(random)),
                Shrinker.part(
                        Presented::token,
                        (presented, token) -> new Presented(token, presented.path()),
                        Shrinker.STRINGS),
                presented -> assertNull(tokens(0).verify(presented.token(), presented.path())));
    }

    // ---- generators

    /** A token issued to {@code pageId} at {@code path}, {@code issuedAt} epoch seconds. */
    record Issued(String pageId, String path, long issuedAt, String token) {
        @Override
        public String toString() {
            return "Issued[" + pageId + " at " + Mutations.show(path) + ", " + issuedAt + ": " + token + "]";
        }
    }

    /** A changed copy of an issued token. */
    record Mutant(Issued issued, String token) {

        @Override
        public String toString() {
            return Mutations.show(token) + " of " + issued;
        }

        /** Whether the change kept the shape {@code v1.<22 chars>.<digits>.<43 chars>}. */
        String shape() {
            String[] parts = token.split("\\.", -1);
            boolean shaped = parts.length == 4
                    && parts[0].equals("v1")
                    && parts[1].length() == 22
                    && parts[2].matches("[1-9][0-9]*|0")
                    && parts[3].length() == 43;
            return shaped ? "token-shaped" : "malformed";
        }
    }

    /** Two issued tokens, and which of the four parts of a token to take from {@code b} (bits 0 to 3). */
    record Hybrid(Issued a, Issued b, int mix) {
        String token() {
            String[] pa = a.token().split("\\.");
            String[] pb = b.token().split("\\.");
            String[] hybrid = new String[4];
            for (int i = 0; i < 4; i++) {
                hybrid[i] = (mix & (1 << i)) == 0 ? pa[i] : pb[i];
            }
            return String.join(".", hybrid);
        }
    }

    /** An issued token, and a secret of another server. */
    record OtherSecret(Issued issued, byte[] secret) {
        @Override
        public String toString() {
            return issued + " with secret " + Fuzz.show(secret);
        }
    }

    /** A token presented at a path. */
    record Presented(String token, String path) {
        @Override
        public String toString() {
            return Fuzz.show(token) + " at " + Fuzz.show(path);
        }
    }

    private static Issued issued(Random random) {
        String pageId = Draw.string(random, 22, 22, BASE64URL);
        String path;
        do {
            path = path(random);
        } while (!PageTokens.isUnicode(path));
        long time = Draw.between(random, 0, 99_999_999_999L);
        return new Issued(pageId, path, time, tokens(time).issue(pageId, path));
    }

    private static Mutant mutant(Random random) {
        Issued issued = issued(random);
        // Besides the hostile pieces, characters of the token's own alphabet: such a change keeps
        // the token's shape, so only the MAC tells it apart.
        String token = Mutations.of(random, issued.token(), r -> switch (r.nextInt(4)) {
            case 0 -> Mutations.piece(r);
            case 1, 2 -> Draw.string(r, 1, 1, BASE64URL);
            default -> Draw.string(r, 1, 1, "0123456789");
        });
        return new Mutant(issued, token);
    }

    /** Absolute paths: any characters, lone surrogates and {@code ?} included. */
    private static String path(Random random) {
        return random.nextBoolean()
                ? "/" + Draw.string(random, 40)
                : Draw.pick(random, "/", "/chat", "/chat/", "/a.b", "/?", "/\uD800");
    }

    /** An issued token, and another path to present it at: a changed copy of its own, or any. */
    record Elsewhere(Issued issued, String path) {
        @Override
        public String toString() {
            return issued + " at " + Mutations.show(path);
        }
    }

    private static Elsewhere elsewhere(Random random) {
        Issued issued = issued(random);
        String path = random.nextBoolean() ? Mutations.of(random, issued.path()) : path(random);
        return new Elsewhere(issued, path);
    }

    private static PageTokens tokens(long now) {
        return new PageTokens(SECRET, Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
    }

    private static byte[] secret(int seed) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) seed);
        return s;
    }
}
