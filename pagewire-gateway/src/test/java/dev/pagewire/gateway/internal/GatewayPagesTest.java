package dev.pagewire.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Settings;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/GATEWAY.md, "What the gateway does with a request": a navigation's page, as the forwarder drives it. */
class GatewayPagesTest {

    private GatewayHarness gateway = new GatewayHarness();

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void aNavigationGetsAPageAndTheBackendLearnsItsIdAndTheApi() {
        var r = gateway.render("?room=1", Map.of());
        assertNotNull(r.pageId());
        GatewayPage gp = gateway.pages.page(r.pageId());
        assertNotNull(gp, "the page is live");
        assertEquals(r.path(), gp.page().path(), "the page's path is the target without its query");
        assertEquals(gateway.uri("/_pagewire/api").toString(), r.forwarded().get("Pagewire-Api"));
        assertEquals(gateway.backend.uri(r.path() + "?room=1"), gp.webhook(), "by default the page's own URL");
        assertTrue(r.script().contains("data-pagewire-token"), r.script());
    }

    @Test
    void theRendersPagewireHeadersAreReadAndRemoved() {
        var r = gateway.render(
                "",
                Map.of(
                        "Pagewire-Context", "user=42",
                        "Pagewire-Join", "room, news",
                        "Pagewire-Webhook", "/hooks/page?x=1"));
        for (String name : new String[] {"Pagewire-Context", "Pagewire-Join", "Pagewire-Webhook"}) {
            assertNull(r.answer().get(name), name + " is removed");
        }
        GatewayPage gp = gateway.pages.page(r.pageId());
        assertEquals("user=42", gp.context());
        assertEquals(Set.of("room", "news"), gp.page().topics());
        assertEquals(gateway.backend.uri("/hooks/page?x=1"), gp.webhook());
    }

    @Test
    void aWebhookUrlOnTheBackendsOriginIsTakenAndOneElsewhereMakesNoPage() {
        var same = gateway.render(
                "", Map.of("Pagewire-Webhook", gateway.backend.uri("/h").toString()));
        assertEquals(
                gateway.backend.uri("/h"), gateway.pages.page(same.pageId()).webhook());
        var elsewhere = gateway.render("", Map.of("Pagewire-Webhook", "http://evil.example/h"));
        assertNull(elsewhere.script());
        assertNull(gateway.pages.page(elsewhere.pageId()));
        assertNull(elsewhere.answer().get("Pagewire-Webhook"));
    }

    @Test
    void aContextOverTheLimitIsIgnoredAndThePageLives() {
        gateway.close();
        gateway = new GatewayHarness(b -> b.maxContextBytes(8));
        var fits = gateway.render("", Map.of("Pagewire-Context", "12345678"));
        assertEquals("12345678", gateway.pages.page(fits.pageId()).context());
        var over = gateway.render("", Map.of("Pagewire-Context", "123456789"));
        assertNotNull(over.script());
        assertNull(gateway.pages.page(over.pageId()).context());
    }

    @Test
    void aContextInUtf8ArrivesAsText() {
        String latin1 = new String(
                "café".getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.ISO_8859_1);
        var r = gateway.render("", Map.of("Pagewire-Context", latin1));
        assertEquals("café", gateway.pages.page(r.pageId()).context());
    }

    @Test
    void pageOffMakesNoPage() {
        var r = gateway.render("", Map.of("Pagewire-Page", "off"));
        assertNull(r.script());
        assertNull(gateway.pages.page(r.pageId()));
        assertNull(r.answer().get("Pagewire-Page"));
    }

    @Test
    void anAnswerThatIsNotInjectableHtmlMakesNoPageAndClosesIt() {
        int before = gateway.app.pageCount();
        var render = gateway.pages.begin("/download", new DefaultHttpHeaders(), new InetSocketAddress("127.0.0.1", 1));
        assertEquals(before + 1, gateway.app.pageCount());
        assertNull(render.answered(200, new DefaultHttpHeaders().set("Content-Type", "application/pdf"), true));
        assertEquals(before, gateway.app.pageCount());
        var compressed = gateway.pages.begin("/c", new DefaultHttpHeaders(), new InetSocketAddress("127.0.0.1", 1));
        assertNull(compressed.answered(200, new DefaultHttpHeaders().set("Content-Type", "text/html"), false));
        var abandoned = gateway.pages.begin("/a", new DefaultHttpHeaders(), new InetSocketAddress("127.0.0.1", 1));
        abandoned.abandon();
        abandoned.abandon();
        assertEquals(before, gateway.app.pageCount());
    }

    @Test
    void pagewiresOwnPathsGetNoPage() {
        assertNull(
                gateway.pages.begin("/_pagewire/x", new DefaultHttpHeaders(), new InetSocketAddress("127.0.0.1", 1)));
    }

    @Test
    void rendersOverTheClientsRateAreRefusedWith429() {
        gateway.close();
        gateway = new GatewayHarness(b -> b.app(s -> s.clientLimits(new Settings.ClientLimits(1, 100, 1000, null))));
        var one = new InetSocketAddress("10.0.0.1", 1000);
        var headers = new DefaultHttpHeaders();
        // Bursts of twice the rate: two renders pass, the third is refused.
        gateway.pages.begin("/x", headers, one).abandon();
        gateway.pages.begin("/x", headers, one).abandon();
        var refused = assertThrows(Renders.Refused.class, () -> gateway.pages.begin("/x", headers, one));
        assertEquals(429, refused.status());
        assertEquals(1, refused.retryAfterSeconds());
        assertNotNull(gateway.pages.begin("/x", headers, new InetSocketAddress("10.0.0.2", 1000)), "another client");
    }

    @Test
    void theRenderRatesForgetIdleClientsPastTheirBound() {
        RenderRates rates = new RenderRates(1, 3);
        for (int i = 0; i < 10; i++) {
            assertTrue(rates.take("10.0.0." + i, 0));
        }
        assertTrue(rates.size() <= 3, "at most 3 clients tracked, got " + rates.size());
    }
}
