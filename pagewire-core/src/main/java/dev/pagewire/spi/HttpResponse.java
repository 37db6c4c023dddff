package dev.pagewire.spi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A complete HTTP response the protocol decided, for the adapter to write as it is.
 *
 * @param status the status code
 * @param reason a short English reason for an error status (logs, tests), or {@code null}
 * @param headers the response headers, without {@code Content-Length} or {@code Connection}
 * @param body the body; never modified after it is handed over
 */
public record HttpResponse(int status, String reason, Headers headers, byte[] body) {

    /** A {@code text/plain} response (its body ends with a newline), never cached. */
    public static HttpResponse text(int status, String body) {
        String text = body.endsWith("\n") ? body : body + "\n";
        return new HttpResponse(
                status,
                body.strip(),
                new Headers()
                        .set("Content-Type", "text/plain; charset=utf-8")
                        .set("Cache-Control", "no-store")
                        .set("X-Content-Type-Options", "nosniff"),
                text.getBytes(StandardCharsets.UTF_8));
    }

    /** The body as UTF-8 text (tests, logs). */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * Response headers in insertion order; names compare case-insensitively. Mutable while the protocol
     * builds a response, read-only by contract once handed to an adapter. Not thread-safe.
     */
    public static final class Headers {

        /** One header line. */
        public record Header(String name, String value) {}

        private final List<Header> list = new ArrayList<>();

        /** Replaces every header of this name by one with {@code value}. */
        public Headers set(String name, String value) {
            remove(name);
            list.add(new Header(name, value));
            return this;
        }

        /** Adds a header line, keeping those of the same name. */
        public Headers add(String name, String value) {
            list.add(new Header(name, value));
            return this;
        }

        /** Adds every header of {@code other}. */
        public Headers addAll(Headers other) {
            list.addAll(other.list);
            return this;
        }

        /** The first value of that name, or {@code null}. */
        public String get(String name) {
            for (Header h : list) {
                if (h.name().equalsIgnoreCase(name)) {
                    return h.value();
                }
            }
            return null;
        }

        /** Removes every header of this name. */
        public Headers remove(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            list.removeIf(h -> h.name().toLowerCase(Locale.ROOT).equals(lower));
            return this;
        }

        /** The header lines, in order. */
        public List<Header> all() {
            return Collections.unmodifiableList(list);
        }

        @Override
        public String toString() {
            return list.toString();
        }
    }
}
