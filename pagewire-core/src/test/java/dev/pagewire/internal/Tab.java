package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.spi.Connection;
import dev.pagewire.testing.FakeConnection;
import dev.pagewire.testing.TestRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One browser tab showing a page route, driven through the {@link App} as a
 * transport would drive it: rendered, then connected with fake connections.
 *
 * @param page the Page the route handler set up for this view
 */
record Tab(App app, String path, String html, String token, Page page) {

    private static final Pattern TOKEN = Pattern.compile("data-pagewire-token=\"([^\"]+)\"");

    /** Renders {@code path} and finds the page its token names; fails unless the render succeeded. */
    static Tab open(App app, String path) {
        Rendered rendered = app.render(new TestRequest(path));
        assertEquals(200, rendered.status(), rendered.html());
        String token = tokenIn(rendered.html());
        Page page = app.page(token.split("\\.")[1]);
        assertNotNull(page, "the rendered page is registered");
        return new Tab(app, path, rendered.html(), token, page);
    }

    static String tokenIn(String html) {
        Matcher m = TOKEN.matcher(html);
        assertTrue(m.find(), "no page token in " + html);
        return m.group(1);
    }

    /** Attaches a new connection and reads its hello frame. */
    FakeConnection connect() {
        return connect(new FakeConnection());
    }

    /** Attaches {@code c} and reads its hello frame. */
    FakeConnection connect(FakeConnection c) {
        return connect(c, null);
    }

    /** Attaches a new connection resuming from the browser's {@code ack} and reads its hello. */
    FakeConnection resume(long ack) {
        return connect(new FakeConnection(), Long.toString(ack));
    }

    /** Attaches {@code c} with the {@code ack} query parameter (null: none) and reads its hello. */
    FakeConnection connect(FakeConnection c, String ack) {
        c.attachTo(app, path, token, ack);
        String hello = c.nextText();
        assertTrue(hello.startsWith("[\"hello\",{\"v\":1,\"page\":\"" + page.id() + "\""), hello);
        return c;
    }

    /** Attaches {@code c} as is, returning the gateway's answer. */
    Attachment attach(Connection c) {
        return app.attach(path, token, null, c);
    }
}
