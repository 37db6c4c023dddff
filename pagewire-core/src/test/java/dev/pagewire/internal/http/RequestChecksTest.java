package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Settings;
import dev.pagewire.internal.App;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.testing.FakeExchange;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests refused before any route answers them (issue 15's handshake findings): a missing or
 * doubled {@code Host}, and every WebSocket opening handshake that is not RFC 6455's over HTTP/1.1.
 */
class RequestChecksTest {

    private static final Pattern TOKEN = Pattern.compile("data-pagewire-token=\"([^\"]+)\"");

    private App app;
    private String channel;

    @BeforeEach
    void start() {
        app = new App(Settings.builder().build());
        app.page("/chat", (request, page) -> "<html><head></head><body>chat</body></html>");
        FakeExchange render = FakeExchange.get("/chat");
        assertTrue(app.handle(render));
        Matcher m = TOKEN.matcher(render.response().bodyText());
        assertTrue(m.find());
        channel = "/chat?pagewire=" + m.group(1);
    }

    @AfterEach
    void close() {
        app.close();
    }

    private HttpResponse answer(FakeExchange exchange) {
        assertTrue(app.handle(exchange));
        assertFalse(exchange.upgraded(), "refused, not upgraded");
        return exchange.response();
    }

    @Test
    void aRequestNeedsExactlyOneHost() {
        HttpResponse two = answer(FakeExchange.get("/chat").header("Host", "evil.example"));
        assertEquals(400, two.status());
        assertEquals("more than one Host header", two.reason());

        HttpResponse none = answer(FakeExchange.get("/chat").withoutHeader("Host"));
        assertEquals(400, none.status());

        // HTTP/1.0 had no Host: a page still renders for it.
        FakeExchange old = FakeExchange.get("/chat").withoutHeader("Host").version("HTTP/1.0");
        assertTrue(app.handle(old));
        assertEquals(200, old.response().status());

        HttpResponse upgrade = answer(FakeExchange.upgrade(channel).header("Host", "app.example"));
        assertEquals(400, upgrade.status());
    }

    @Test
    void aWellFormedUpgradeIsAccepted() {
        FakeExchange ws = FakeExchange.upgrade(channel);
        assertTrue(app.handle(ws));
        assertTrue(ws.upgraded());
    }

    @Test
    void olderDraftsAndOtherVersionsGet426NamingVersion13() {
        // Hixie-76: no Sec-WebSocket-Version or -Key, two numbered keys instead.
        FakeExchange hixie = FakeExchange.get(channel)
                .header("Connection", "Upgrade")
                .header("Upgrade", "WebSocket")
                .header("Sec-WebSocket-Key1", "4 @1  46546xW%0l 1 5")
                .header("Sec-WebSocket-Key2", "12998 5 Y3 1  .P00");
        // Hixie-75: not even those.
        FakeExchange hixie75 =
                FakeExchange.get(channel).header("Connection", "Upgrade").header("Upgrade", "WebSocket");
        FakeExchange draft8 = FakeExchange.upgrade(channel)
                .withoutHeader("Sec-WebSocket-Version")
                .header("Sec-WebSocket-Version", "8");
        FakeExchange twoVersions = FakeExchange.upgrade(channel).header("Sec-WebSocket-Version", "13");
        for (FakeExchange refused : new FakeExchange[] {hixie, hixie75, draft8, twoVersions}) {
            HttpResponse r = answer(refused);
            assertEquals(426, r.status(), r.reason());
            assertEquals("13", r.headers().get("Sec-WebSocket-Version"));
            assertFalse(r.bodyText().contains("pagewire="), "nothing of the request is echoed");
        }
    }

    @Test
    void aKeyMustBeSixteenBytesOfBase64() {
        String[] bad = {
            "AAAAAAAAAAAAAAAAAAAA", // 15 bytes
            "AAAAAAAAAAAAAAAAAAAAAAAAAA==", // 19 bytes
            "not base64 at all!!!!!==", // 24 characters, not base64
            "",
        };
        for (String key : bad) {
            HttpResponse r = answer(FakeExchange.upgrade(channel)
                    .withoutHeader("Sec-WebSocket-Key")
                    .header("Sec-WebSocket-Key", key));
            assertEquals(400, r.status(), "key '" + key + "'");
        }
        HttpResponse none = answer(FakeExchange.upgrade(channel).withoutHeader("Sec-WebSocket-Key"));
        assertEquals(400, none.status());
        HttpResponse two =
                answer(FakeExchange.upgrade(channel).header("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA=="));
        assertEquals(400, two.status());
    }

    @Test
    void anUpgradeOverHttp10IsRefused() {
        HttpResponse r = answer(FakeExchange.upgrade(channel).version("HTTP/1.0"));
        assertEquals(400, r.status());
        assertTrue(r.reason().contains("HTTP/1.1"), r.reason());
    }
}
