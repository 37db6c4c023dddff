package dev.pagewire.testing;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Random values for the fuzz tests' generators ({@link Fuzz.Generator}), with the cases parsers
 * get wrong drawn often: the ends of a range, the empty and the longest string, control
 * characters, unpaired surrogates, characters beyond the BMP, the bytes 00, 7F, 80 and FF.
 */
public final class Draw {

    /** Characters that mean something to a parser or are easily mishandled. */
    private static final String ODD = "\"\\/?.%~[]{},:\u007f\u0085\u00a0\u2028\u2029\ufeff\ufffd\uffff";

    private static final byte[] ODD_BYTES = {0, 0x7f, (byte) 0x80, (byte) 0xc0, (byte) 0xff};

    private Draw() {}

    /** A string of any UTF-16 code units, unpaired surrogates included, of at most {@code maxLength}. */
    public static String string(Random random, int maxLength) {
        return string(random, 0, maxLength);
    }

    /** As {@link #string(Random, int)}, of {@code minLength} to {@code maxLength} code units. */
    public static String string(Random random, int minLength, int maxLength) {
        int length = length(random, minLength, maxLength);
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) {
            if (s.length() + 2 <= length && random.nextInt(20) == 0) {
                s.appendCodePoint(random.nextInt(0x10000, 0x110000)); // a surrogate pair
            } else {
                s.append(anyChar(random));
            }
        }
        return s.toString();
    }

    /** A string of {@code alphabet}'s characters, of {@code minLength} to {@code maxLength}. */
    public static String string(Random random, int minLength, int maxLength, String alphabet) {
        int length = length(random, minLength, maxLength);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /** Any bytes, at most {@code maxLength} of them. */
    public static byte[] bytes(Random random, int maxLength) {
        byte[] bytes = new byte[length(random, 0, maxLength)];
        random.nextBytes(bytes);
        for (int i = 0; i < bytes.length; i++) {
            if (random.nextInt(8) == 0) {
                bytes[i] = ODD_BYTES[random.nextInt(ODD_BYTES.length)];
            }
        }
        return bytes;
    }

    /** An int from {@code min} to {@code max}, both included. */
    public static int between(Random random, int min, int max) {
        return (int) between(random, (long) min, max);
    }

    /**
     * A long from {@code min} to {@code max}, both included: often an end of the range or next to
     * one, or zero; else of any magnitude (uniform draws from a wide range are all huge).
     */
    public static long between(Random random, long min, long max) {
        return switch (random.nextInt(8)) {
            case 0 -> pick(random, min, max, min < max ? min + 1 : min, min < max ? max - 1 : max);
            case 1 -> Math.clamp(random.nextInt(-1, 2), min, max);
            case 2, 3, 4 -> uniform(random, min, max);
            default -> {
                // An offset from min of a random bit length; past max, uniform instead.
                long offset = random.nextLong() >>> random.nextInt(1, 64);
                long value = min + offset;
                yield value >= min && value <= max ? value : uniform(random, min, max);
            }
        };
    }

    private static long uniform(Random random, long min, long max) {
        if (max < Long.MAX_VALUE) {
            return random.nextLong(min, max + 1);
        }
        return min > Long.MIN_VALUE ? random.nextLong(min - 1, max) + 1 : random.nextLong();
    }

    /** One of {@code values}, each as likely. */
    @SafeVarargs
    public static <T> T pick(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }

    /** What one of {@code generators} draws, each as likely. */
    @SafeVarargs
    public static <T> T oneOf(Random random, Fuzz.Generator<? extends T>... generators) {
        return generators[random.nextInt(generators.length)].next(random);
    }

    /** A list of {@code minSize} to {@code maxSize} values drawn by {@code generator}. */
    public static <T> List<T> list(Random random, int minSize, int maxSize, Fuzz.Generator<T> generator) {
        int size = random.nextInt(minSize, maxSize + 1);
        return Stream.generate(() -> generator.next(random)).limit(size).toList();
    }

    /** Short lengths most often, and the least and the greatest. */
    private static int length(Random random, int min, int max) {
        return switch (random.nextInt(8)) {
            case 0 -> min;
            case 1 -> max;
            case 2, 3, 4 -> random.nextInt(min, Math.min(max, min + 8) + 1);
            default -> random.nextInt(min, max + 1);
        };
    }

    private static char anyChar(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> (char) random.nextInt(0x20); // a control character
            case 1 -> ODD.charAt(random.nextInt(ODD.length()));
            case 2 -> (char) random.nextInt(0xD800, 0xE000); // a surrogate, mostly unpaired
            case 3, 4 -> (char) random.nextInt(0x10000); // any code unit
            default -> (char) random.nextInt(0x20, 0x7F); // printable ASCII
        };
    }
}
