package dev.pagewire.e2e.hostile;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a server sent back on one raw connection, as text (one character per byte): the first
 * response, and how many responses there were in all. A second response means the server read a
 * second request from what the client meant as one (request smuggling).
 *
 * @param text every byte received
 * @param closed whether the server ended the connection after it
 */
record Answer(String text, boolean closed) {

    /** A status line (RFC 9112 §4: version, code, a space and an optional reason) at a line's start. */
    private static final Pattern STATUS_LINE = Pattern.compile("(?m)^HTTP/1\\.[01] (\\d{3}) ");

    /** The first response's status code. */
    int status() {
        Matcher m = STATUS_LINE.matcher(text);
        if (!m.find() || m.start() != 0) {
            throw new AssertionError("no HTTP response: " + text);
        }
        return Integer.parseInt(m.group(1));
    }

    /** The value of the first response's header {@code name}, or null. */
    String header(String name) {
        for (String line : head().split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }

    /** The first response's body as UTF-8 text: what follows its head, up to the next response if any. */
    String body() {
        int start = text.indexOf("\r\n\r\n") + 4;
        Matcher next = STATUS_LINE.matcher(text);
        int end = next.find(start) ? next.start() : text.length();
        return new String(text.substring(start, end).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** How many responses the server sent. */
    int responses() {
        return (int) STATUS_LINE.matcher(text).results().count();
    }

    private String head() {
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? text : text.substring(0, end);
    }

    @Override
    public String toString() {
        return (closed ? "connection closed after " : "connection open after ") + text.length() + " bytes:\n" + text;
    }
}
