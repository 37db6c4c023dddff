package dev.pagewire.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the JSON arrays of the protocols under test into the raw JSON text of their elements,
 * without building a tree: the load generator reads many small frames and must stay cheap.
 */
final class JsonArrays {

    private JsonArrays() {}

    /**
     * The elements of the JSON array starting at {@code from} in {@code text}, each as its raw JSON
     * text (strings keep their quotes).
     *
     * @throws IllegalArgumentException if no array starts there or it does not end
     */
    static List<String> elements(String text, int from) {
        if (from >= text.length() || text.charAt(from) != '[') {
            throw new IllegalArgumentException("not a JSON array: " + abbreviate(text));
        }
        var out = new ArrayList<String>(6);
        int depth = 0;
        int start = from + 1;
        boolean inString = false;
        for (int i = from + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                if (depth == 0) {
                    String last = text.substring(start, i).strip();
                    if (!last.isEmpty()) {
                        out.add(last);
                    }
                    return out;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(text.substring(start, i).strip());
                start = i + 1;
            }
        }
        throw new IllegalArgumentException("unterminated JSON array: " + abbreviate(text));
    }

    /** The value of a JSON string without escapes ({@code "abc"} → {@code abc}); other JSON as is. */
    static String unquote(String json) {
        return json.length() >= 2 && json.charAt(0) == '"' ? json.substring(1, json.length() - 1) : json;
    }

    /** A JSON string of {@code text}, which must need no escapes (names, digits). */
    static String quote(String text) {
        return '"' + text + '"';
    }

    static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "…";
    }
}
