package dev.pagewire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.client.ChannelRefusedException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reading a rendered page, or an endpoint's answer (docs/PROTOCOL.md §1, §9.6, §12.2). */
class PageLoaderTest {

    @Test
    void readsTheTokenAndTheConfigAndPutsTheChannelOnThePagePath() throws IOException {
        PageLoader.Rendered page = PageLoader.parse(
                URI.create("https://example.com:8443/chat?room=1"),
                "<head><script type=\"module\" src=\"/_pagewire/client.js\" data-pagewire-token=\"v1.a.1.m\" "
                        + "data-pagewire-config='{\"connectTimeout\":1500,\"upgradeAfter\":10000}'></script>");
        assertEquals("v1.a.1.m", page.token());
        assertEquals(Duration.ofMillis(1500), page.connectTimeout());
        assertEquals("wss://example.com:8443/chat?pagewire=v1.a.1.m", page.webSocketBase());
        assertEquals("https://example.com:8443/chat?pagewire=v1.a.1.m", page.httpBase());
    }

    @Test
    void ignoresAConfigThatIsNotJson() throws IOException {
        PageLoader.Rendered page = PageLoader.parse(
                URI.create("http://h/"), "<script data-pagewire-token=\"t\" data-pagewire-config='nope'></script>");
        assertNull(page.connectTimeout());
        assertEquals("ws://h/?pagewire=t", page.webSocketBase());
    }

    @Test
    void refusesAPageWithoutToken() {
        assertThrows(IOException.class, () -> PageLoader.parse(URI.create("http://h/x"), "<p>hi</p>"));
    }

    private static final URI STOCKS = URI.create("https://api.example.com/stocks");

    @Test
    void anAdmittedEndpointGivesTheTokenAndConfigAndTheChannelLivesAtTheEndpoint() throws IOException {
        PageLoader.Rendered page = PageLoader.admitted(
                STOCKS, 200, "application/json", "{\"token\":\"v1.b.2.m\",\"config\":{\"connectTimeout\":2500}}");
        assertEquals("v1.b.2.m", page.token());
        assertEquals(Duration.ofMillis(2500), page.connectTimeout());
        assertEquals("wss://api.example.com/stocks?pagewire=v1.b.2.m", page.webSocketBase());
    }

    @Test
    void anEndpointsRefusalsAreTheirCodesAndEverythingElseSaysItsStatusAndBody() {
        ChannelRefusedException refused = assertThrows(
                ChannelRefusedException.class,
                () -> PageLoader.admitted(
                        STOCKS, 403, "application/json", "{\"code\":\"refused\",\"reason\":\"members only\"}"));
        assertEquals("refused", refused.code());
        assertEquals("members only", refused.reason());
        ChannelRefusedException missing = assertThrows(
                ChannelRefusedException.class,
                () -> PageLoader.admitted(STOCKS, 404, "text/plain", "no endpoint here"));
        assertEquals("not_found", missing.code());
        ChannelRefusedException origin = assertThrows(
                ChannelRefusedException.class,
                () -> PageLoader.admitted(STOCKS, 403, "text/plain", "origin not allowed: https://evil.example"));
        assertEquals("origin", origin.code(), "as the browser client reports it");
        assertEquals("origin not allowed: https://evil.example", origin.reason());
        IOException other = assertThrows(
                IOException.class, () -> PageLoader.admitted(STOCKS, 400, "text/plain", "params must be an object"));
        assertTrue(
                other.getMessage().contains("400") && other.getMessage().contains("params must"), other.getMessage());
        assertThrows(IOException.class, () -> PageLoader.admitted(STOCKS, 200, "text/html", "<p>a proxy</p>"));
    }
}
