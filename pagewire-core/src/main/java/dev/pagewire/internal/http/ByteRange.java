package dev.pagewire.internal.http;

import java.util.Locale;

/**
 * One range of bytes of a file, as a {@code Range: bytes=…} request header asks for it (RFC 9110
 * §14.1.2), resolved against the file's size. Only a single range is served: a request for several
 * is answered with the whole file, which RFC 9110 §14.2 allows, and spares multipart bodies.
 *
 * @param first the first byte's offset
 * @param last the last byte's offset (inclusive)
 */
record ByteRange(long first, long last) {

    /** A range that starts past the file's end (or a suffix of length 0): answered {@code 416}. */
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    /** The number of bytes in the range. */
    long length() {
        return last - first + 1;
    }

    /** The {@code Content-Range} value of a {@code 206} answer with this range of {@code size} bytes. */
    String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /**
     * The range that {@code header} asks for in a file of {@code size} bytes; {@link #UNSATISFIABLE};
     * or {@code null} when the header is to be ignored and the whole file sent: absent, another unit,
     * malformed, or several ranges.
     */
    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        int eq = value.indexOf('=');
        if (eq < 0 || !value.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
            return null;
        }
        String spec = value.substring(eq + 1).strip();
        int dash = spec.indexOf('-');
        if (spec.indexOf(',') >= 0 || dash < 0) {
            return null;
        }
        String from = spec.substring(0, dash).strip();
        String to = spec.substring(dash + 1).strip();
        if (from.isEmpty()) {
            long suffix = digits(to);
            if (suffix < 0) {
                return null;
            }
            if (suffix == 0 || size == 0) {
                return UNSATISFIABLE;
            }
            return new ByteRange(Math.max(0, size - suffix), size - 1);
        }
        long first = digits(from);
        long last = to.isEmpty() ? Long.MAX_VALUE : digits(to);
        if (first < 0 || last < 0 || last < first) {
            return null; // RFC 9110 §14.1.1: an invalid range-spec; the header is ignored
        }
        if (first >= size) {
            return UNSATISFIABLE;
        }
        return new ByteRange(first, Math.min(last, size - 1));
    }

    /** The value of a run of ASCII digits (saturating at {@code Long.MAX_VALUE}), or {@code -1}. */
    private static long digits(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : value * 10 + (c - '0');
        }
        return value;
    }
}
