package dev.pagewire.client.internal;

import java.util.function.Consumer;

/**
 * Reads a {@code text/event-stream} body as the HTML standard says (docs/PROTOCOL.md §8.3): lines
 * end with {@code \n}, {@code \r\n} or {@code \r} (also split across chunks), {@code :} starts a
 * comment, the {@code data:} lines of one event are joined with {@code \n} (one space after the
 * colon is dropped), a blank line ends the event. Only {@code data} matters here.
 *
 * <p>Not thread-safe: one reader thread feeds it.
 */
final class EventStreamParser {

    private final Consumer<String> onData;
    private final StringBuilder line = new StringBuilder();
    private StringBuilder data;
    /** The last chunk ended with {@code \r}: a {@code \n} starting the next belongs to it. */
    private boolean afterCr;

    EventStreamParser(Consumer<String> onData) {
        this.onData = onData;
    }

    void push(char[] chars, int length) {
        for (int i = 0; i < length; i++) {
            char c = chars[i];
            if (afterCr) {
                afterCr = false;
                if (c == '\n') {
                    continue;
                }
            }
            if (c == '\r' || c == '\n') {
                afterCr = c == '\r';
                line(line.toString());
                line.setLength(0);
            } else {
                line.append(c);
            }
        }
    }

    private void line(String text) {
        if (text.isEmpty()) {
            if (data != null) {
                String event = data.toString();
                data = null;
                onData.accept(event);
            }
            return;
        }
        if (text.charAt(0) == ':') {
            return; // a comment, such as the server's padding
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        if (!field.equals("data")) {
            return; // event, id, retry: unused
        }
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (data == null) {
            data = new StringBuilder(value);
        } else {
            data.append('\n').append(value);
        }
    }
}
