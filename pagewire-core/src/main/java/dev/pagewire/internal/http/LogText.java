package dev.pagewire.internal.http;

/** Client-supplied text made safe for one log line: control characters escaped, length bounded. */
final class LogText {

    /** The most characters of a client's text a log line carries. */
    static final int MAX = 120;

    private LogText() {}

    /** {@code text} with control characters as {@code \\uXXXX}, cut to {@link #MAX} characters; "-" for null. */
    static String clip(String text) {
        if (text == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX) + 8);
        for (int i = 0; i < text.length() && out.length() < MAX; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= MAX && text.length() > MAX) {
            out.append("…");
        }
        return out.toString();
    }
}
