package dev.pagewire.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/**
 * Hostile variants of valid input for the fuzz tests (docs/SECURITY.md, Fuzzing): a valid frame,
 * token or body with a few edits of the kinds that break parsers — a character inserted, deleted,
 * replaced or repeated, the text cut short, deep nesting, huge numbers, odd Unicode, and, on bytes,
 * invalid UTF-8 and flipped bits. Most mutants are invalid, yet close enough to valid input to
 * reach a parser's later stages, which random text rarely does.
 */
public final class Mutations {

    private Mutations() {}

    /** {@code valid} with up to four edits (sometimes none: valid input must pass too). */
    public static String of(Random random, String valid) {
        return of(random, valid, Mutations::piece);
    }

    /** {@code valid} with up to four edits that insert or replace with {@code pieces}. */
    public static String of(Random random, String valid, Fuzz.Generator<String> pieces) {
        String s = valid;
        for (int edits = random.nextInt(5); edits > 0; edits--) {
            s = edit(random, s, pieces);
        }
        return s;
    }

    /**
     * The UTF-8 bytes of an {@link #of} mutant of {@code valid}, with up to four more edits on
     * the bytes themselves (invalid UTF-8, flipped bits, a cut through a character).
     */
    public static byte[] utf8(Random random, String valid) {
        return bytes(random, of(random, valid).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code valid} bytes with up to four byte edits. */
    public static byte[] bytes(Random random, byte[] valid) {
        byte[] b = valid;
        for (int edits = random.nextInt(5); edits > 0; edits--) {
            b = edit(random, b);
        }
        return b;
    }

    /**
     * {@code s} with control characters, unpaired surrogates and other invisible characters
     * written as {@code \\uXXXX}, for readable reports (an unpaired surrogate also cuts a report
     * short where it is printed).
     */
    public static String show(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair =
                    Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (pair) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isISOControl(c)
                    || Character.isSurrogate(c)
                    || !Character.isDefined(c)
                    || c == '\u2028'
                    || c == '\u2029'
                    || c == '\uFEFF') {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    // ---- edits of text

    /** One edit at a random place: insert, delete, replace, cut short or repeat. */
    private static String edit(Random random, String s, Fuzz.Generator<String> pieces) {
        int at = random.nextInt(s.length() + 1); // before a character, or at the end
        int length = random.nextInt(1, 17);
        return switch (random.nextInt(5)) {
            case 0 -> s.substring(0, at) + pieces.next(random) + s.substring(at);
            case 1 -> s.substring(0, at) + s.substring(Math.min(s.length(), at + length));
            case 2 ->
                s.isEmpty()
                        ? pieces.next(random)
                        : s.substring(0, at % s.length()) + pieces.next(random) + s.substring(at % s.length() + 1);
            case 3 -> s.substring(0, at);
            default -> {
                int end = Math.min(s.length(), at + length);
                yield s.substring(0, end) + s.substring(at, end).repeat(random.nextInt(1, 65)) + s.substring(end);
            }
        };
    }

    /** What an edit puts in: the characters and tokens that parsers get wrong. */
    public static String piece(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> Draw.pick(random, "[", "]", "{", "}", ",", ":", "\"", "\\", " ", "\t", "'", "/*", "//");
            case 1 ->
                Draw.pick(
                        random,
                        "null",
                        "true",
                        "0",
                        "-0",
                        "-1",
                        "01",
                        "1.5",
                        "1e999",
                        "-1e-999",
                        "9223372036854775807",
                        "9223372036854775808",
                        "-9223372036854775809",
                        "NaN",
                        "Infinity");
            case 2 ->
                Draw.pick(
                        random, "\u0000", "\u001f", "\n", "\r", "\r\n", "\u2028", "é", "😀", "\uD800", "\uDC00",
                        "\uFFFD", "\uFEFF");
            case 3 -> Draw.pick(random, "\\u0000", "\\uD800", "\\uDC00", "\\ud83d\\ude00", "\\x", "\\u12");
            case 4 -> Draw.pick(random, "~", "=", ".", "v1", "\"ev\"", "\"pagewire:\"", "\"chopen\"", "/", "%", "+");
            // Huge numbers: more digits than Jackson reads (1000) and than a long holds.
            case 5 -> Draw.string(random, 19, 1200, "0123456789");
            // Deep nesting, balanced or not.
            case 6 -> {
                int n = random.nextInt(1, 3001);
                yield "[".repeat(n) + "]".repeat(n);
            }
            case 7 -> {
                int n = random.nextInt(1, 3001);
                yield "{\"a\":".repeat(n) + "0" + "}".repeat(n);
            }
            case 8 -> "[".repeat(random.nextInt(1, 3001));
            default -> Draw.string(random, 6);
        };
    }

    // ---- edits of bytes

    /** Sequences that are not UTF-8, or are UTF-8 that parsers mishandle. */
    private static final byte[][] UTF8_BREAKERS = Arrays.stream(new String[] {
                "80", // a lone continuation byte
                "c3", // a two-byte sequence cut short
                "f09f98", // a four-byte sequence cut short
                "c080", // an overlong NUL
                "e080af", // an overlong '/'
                "eda080", // a UTF-16 surrogate encoded as a character
                "f4908080", // above U+10FFFF
                "fe",
                "ff",
                "efbbbf", // a byte order mark
                "00"
            })
            .map(HexFormat.of()::parseHex)
            .toArray(byte[][]::new);

    /** One of the sequences that are not UTF-8, or are UTF-8 that parsers mishandle. */
    public static byte[] utf8Breaker(Random random) {
        return UTF8_BREAKERS[random.nextInt(UTF8_BREAKERS.length)].clone();
    }

    /** One edit at a random place: insert a UTF-8 breaker, set a byte, flip a bit or cut short. */
    private static byte[] edit(Random random, byte[] b) {
        int at = random.nextInt(b.length + 1); // before a byte, or at the end
        return switch (random.nextInt(4)) {
            case 0 -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 4);
                out.write(b, 0, at);
                out.writeBytes(utf8Breaker(random));
                out.write(b, at, b.length - at);
                yield out.toByteArray();
            }
            case 1 -> {
                byte[] out = b.length == 0 ? new byte[1] : b.clone();
                out[at % out.length] = (byte) random.nextInt(256);
                yield out;
            }
            case 2 -> {
                byte[] out = b.clone();
                if (b.length > 0) {
                    out[at % b.length] ^= (byte) (1 << random.nextInt(8));
                }
                yield out;
            }
            default -> Arrays.copyOf(b, at);
        };
    }
}
