package dev.pagewire.internal.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Compares a response's {@code ETag} with a request's {@code If-None-Match} (RFC 9110 §13.1.2). Stateless. */
final class EntityTags {

    /** One entity tag of a list: an optional weakness mark and a quoted opaque value. */
    private static final Pattern TAG = Pattern.compile("(?:W/)?\"([^\"]*)\"");

    private EntityTags() {}

    /**
     * Whether {@code ifNoneMatch} names {@code etag} by the weak comparison the header uses, or is
     * {@code *}: then a GET is answered 304 Not Modified.
     *
     * @param ifNoneMatch the request header, or {@code null}
     * @param etag a strong entity tag with its quotes
     */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        if (ifNoneMatch.strip().equals("*")) {
            return true;
        }
        String opaque = etag.substring(1, etag.length() - 1);
        Matcher m = TAG.matcher(ifNoneMatch);
        while (m.find()) {
            if (m.group(1).equals(opaque)) {
                return true;
            }
        }
        return false;
    }
}
