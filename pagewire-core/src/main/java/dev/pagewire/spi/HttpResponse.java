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

    /**
     * {@return a {@code text/plain} response (its body ends with a newline), never cached}
     *
     * @param status the status code
     * @param body the text; also the response's reason, stripped
     */
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

    /** {@return the body as UTF-8 text (tests, logs)} */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * Response headers in insertion order; names compare case-insensitively. Mutable while the protocol
     * builds a response, read-only by contract once handed to an adapter. Not thread-safe.
     */
    public static final class Headers {

        /**
         * One header line.
         *
         * @param name the header's name, as set
         * @param value its value
         */
        public record Header(String name, String value) {}

        private final List<Header> list = new ArrayList<>();

        /** Creates an empty set of headers. */
        public Headers() {}

        /**
         * Replaces every header of this name by one with {@code value}.
         *
         * @param name the header's name
         * @param value its one value
         * @return these headers
         */
        public Headers set(String name, String value) {
            remove(name);
            list.add(new Header(name, value));
            return this;
        }

        /**
         * Adds a header line, keeping those of the same name.
         *
         * @param name the header's name
         * @param value its value
         * @return these headers
         */
        public Headers add(String name, String value) {
            list.add(new Header(name, value));
            return this;
        }

        /**
         * Adds every header of {@code other}.
         *
         * @param other the headers to add, in their order
         * @return these headers
         */
        public Headers addAll(Headers other) {
            list.addAll(other.list);
            return this;
        }

        /**
         * {@return the first value of that name, or {@code null} when there is none}
         *
         * @param name the header's name, in any case
         */
        public String get(String name) {
            for (Header h : list) {
                if (h.name().equalsIgnoreCase(name)) {
                    return h.value();
                }
            }
            return null;
        }

        /**
         * Removes every header of this name.
         *
         * @param name the header's name, in any case
         * @return these headers
         */
        public Headers remove(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            list.removeIf(h -> h.name().toLowerCase(Locale.ROOT).equals(lower));
            return this;
        }

        /** {@return the header lines, in order, as a read-only view} */
        public List<Header> all() {
            return Collections.unmodifiableList(list);
        }

        @Override
        public String toString() {
            return list.toString();
        }
    }
}
