package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pagewire.testing.Hangs;
import dev.pagewire.testing.Mutations;
import dev.pagewire.testing.Mutations.Text;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzing of the page token (docs/PROTOCOL.md §1, docs/SECURITY.md, Fuzzing): a token verifies
 * only if it is exactly one that was issued, for the path it was issued for, naming the page it
 * was issued to; anything else is refused ({@code null}), never an exception, never slowly.
 */
class PageTokensFuzzTest {

    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final byte[] SECRET = secret(1);

    @Property
    void anIssuedTokenVerifiesForItsPathAsItsPageAndTime(@ForAll("issued") Issued issued) {
        assertEquals(
                new PageTokens.Verified(issued.pageId(), issued.issuedAt()),
                tokens(0).verify(issued.token(), issued.path()));
    }

    @Property
    void aTokenVerifiesOnlyIfItIsExactlyTheOneIssued(@ForAll("mutatedTokens") Mutant mutant) throws Throwable {
        PageTokens.Verified verified = Hangs.failIfHangs(
                () -> tokens(0).verify(mutant.token(), mutant.issued().path()));
        if (mutant.token().equals(mutant.issued().token())) {
            assertEquals(mutant.issued().pageId(), verified.pageId());
        } else {
            assertNull(verified, "a changed token verified");
        }
        Statistics.collect(mutant.shape());
        // Most changes keep the token's shape, so the MAC comparison is what refuses them.
        Statistics.coverage(c -> c.check("token-shaped").percentage(p -> p > 5));
    }

    @Property
    void aTokenNeverVerifiesForAnotherPath(@ForAll("elsewhere") Elsewhere elsewhere) {
        Issued issued = elsewhere.issued();
        if (!elsewhere.path().equals(issued.path())) {
            assertNull(tokens(0).verify(issued.token(), elsewhere.path()));
        }
    }

    @Property
    void piecesOfTwoIssuedTokensNeverMakeAThird(
            @ForAll("issued") Issued a, @ForAll("issued") Issued b, @ForAll @IntRange(min = 0, max = 15) int mix) {
        // Each of the four parts from a or from b: a token of one page with another's MAC or time.
        String[] pa = a.token().split("\\.");
        String[] pb = b.token().split("\\.");
        String[] hybrid = new String[4];
        for (int i = 0; i < 4; i++) {
            hybrid[i] = (mix & (1 << i)) == 0 ? pa[i] : pb[i];
        }
        String token = String.join(".", hybrid);
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
    }

    @Property
    void noTokenIsIssuedForAPathThatIsNotUnicode(@ForAll("pathTexts") Text text) {
        String path = text.value();
        if (PageTokens.isUnicode(path)) {
            assertEquals(path, issuedFor(path).path());
        } else {
            assertThrows(IllegalArgumentException.class, () -> issuedFor(path));
        }
    }

    private static Issued issuedFor(String path) {
        String pageId = "A".repeat(22);
        return new Issued(pageId, path, 0, tokens(0).issue(pageId, path));
    }

    @Property
    void aTokenOfAnotherSecretNeverVerifies(@ForAll("issued") Issued issued, @ForAll byte[] otherSecret) {
        if (otherSecret.length > 0 && !Arrays.equals(otherSecret, SECRET)) {
            PageTokens other = new PageTokens(otherSecret, Clock.systemUTC());
            assertNull(other.verify(issued.token(), issued.path()));
        }
    }

    @Property
    void anyTextIsRefusedWithoutThrowing(@ForAll("anyText") Text token, @ForAll("pathTexts") Text path)
            throws Throwable {
        assertNull(Hangs.failIfHangs(() -> tokens(0).verify(token.value(), path.value())));
    }

    // ---- arbitraries

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

    @Provide
    Arbitrary<Issued> issued() {
        Arbitrary<String> pageIds = Arbitraries.strings().withChars(BASE64URL).ofLength(22);
        Arbitrary<Long> times = Arbitraries.longs().between(0, 99_999_999_999L);
        return Combinators.combine(pageIds, paths().filter(PageTokens::isUnicode), times)
                .as((pageId, path, time) ->
                        new Issued(pageId, path, time, tokens(time).issue(pageId, path)));
    }

    @Provide
    Arbitrary<Mutant> mutatedTokens() {
        // Besides the hostile pieces, characters of the token's own alphabet: such a change keeps
        // the token's shape, so only the MAC tells it apart.
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Mutations.pieces(),
                Arbitraries.strings().withChars(BASE64URL).ofLength(1),
                Arbitraries.strings().withChars(BASE64URL).ofLength(1),
                Arbitraries.strings().numeric().ofLength(1));
        return Combinators.combine(issued(), Mutations.edits(pieces))
                .as((issued, edits) -> new Mutant(issued, Mutations.apply(issued.token(), edits)));
    }

    @Provide
    Arbitrary<Text> anyText() {
        return Arbitraries.strings().map(Text::new);
    }

    @Provide
    Arbitrary<Text> pathTexts() {
        return paths().map(Text::new);
    }

    /** Absolute paths: any characters, lone surrogates and {@code ?} included. */
    private static Arbitrary<String> paths() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(p -> "/" + p),
                Arbitraries.of("/", "/chat", "/chat/", "/a.b", "/?", "/\uD800"));
    }

    /** An issued token, and another path to present it at: a changed copy of its own, or any. */
    record Elsewhere(Issued issued, String path) {
        @Override
        public String toString() {
            return issued + " at " + Mutations.show(path);
        }
    }

    @Provide
    Arbitrary<Elsewhere> elsewhere() {
        Arbitrary<Elsewhere> changed = Combinators.combine(issued(), Mutations.edits(Mutations.pieces()))
                .as((issued, edits) -> new Elsewhere(issued, Mutations.apply(issued.path(), edits)));
        Arbitrary<Elsewhere> any = Combinators.combine(issued(), paths()).as(Elsewhere::new);
        return Arbitraries.oneOf(changed, any);
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
