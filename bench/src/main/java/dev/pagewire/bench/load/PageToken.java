package dev.pagewire.bench.load;

import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Renders the bench page {@code /echo} and reads the page token Pagewire injected into it (PROTOCOL.md §1). */
final class PageToken {

    private static final Pattern TOKEN = Pattern.compile("data-pagewire-token=\"([^\"]+)\"");

    private PageToken() {}

    /** GETs the page on a connection of its own; completes with the body. */
    static CompletableFuture<String> render(Wire wire) {
        return HttpChannel.getOnce(wire, "/echo").thenApply(PageToken::body);
    }

    /** The body of a page's answer, or fails when the answer is not a page. */
    static String body(HttpChannel.Reply reply) {
        if (reply.status() != 200) {
            throw new IllegalStateException(
                    "GET /echo answered " + reply.status() + ": " + JsonArrays.abbreviate(reply.body()));
        }
        return reply.body();
    }

    /** The token in a rendered page. */
    static String of(String html) {
        Matcher m = TOKEN.matcher(html);
        if (!m.find()) {
            throw new IllegalStateException("no data-pagewire-token in the page: " + JsonArrays.abbreviate(html));
        }
        return m.group(1);
    }
}
