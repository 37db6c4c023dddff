package dev.pagewire.internal.http;

import java.util.Locale;

/**
 * Puts the client's script tag into rendered HTML: right after the opening {@code <head>} tag, so
 * it runs before the page's own module scripts; failing that after {@code <html>} or the doctype;
 * failing that at the very start.
 */
public final class HtmlInjector {

    private HtmlInjector() {}

    /**
     * The client's script element: its source, the page token and the client configuration
     * (docs/PROTOCOL.md §1, §9). {@code configJson} must be JSON without single quotes (numbers
     * and fixed keys), so it can sit in a single-quoted attribute without escaping.
     */
    public static String scriptTag(String clientPath, String token, String configJson) {
        if (configJson.indexOf('\'') >= 0) {
            throw new IllegalArgumentException("client configuration must not contain a single quote");
        }
        return "<script type=\"module\" src=\"" + clientPath + "\" data-pagewire-token=\"" + token
                + "\" data-pagewire-config='" + configJson + "'></script>";
    }

    public static String inject(String html, String tag) {
        String lower = html.toLowerCase(Locale.ROOT);
        int at = afterOpeningTag(html, lower, "<head");
        if (at < 0) {
            at = afterOpeningTag(html, lower, "<html");
        }
        if (at < 0) {
            at = afterOpeningTag(html, lower, "<!doctype");
        }
        if (at < 0) {
            at = 0;
        }
        return html.substring(0, at) + tag + html.substring(at);
    }

    /** The index just past the {@code >} of the first tag named {@code open}, or -1. */
    private static int afterOpeningTag(String html, String lower, String open) {
        int from = 0;
        while (true) {
            int i = lower.indexOf(open, from);
            if (i < 0) {
                return -1;
            }
            int next = i + open.length();
            // "<header" must not match "<head".
            if (next < html.length()) {
                char c = html.charAt(next);
                if (c == '>' || Character.isWhitespace(c)) {
                    int end = html.indexOf('>', next);
                    return end < 0 ? -1 : end + 1;
                }
            }
            from = next;
        }
    }
}
