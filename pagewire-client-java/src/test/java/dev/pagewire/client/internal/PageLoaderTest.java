package dev.pagewire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reading a rendered page (docs/PROTOCOL.md §1, §9.6). */
class PageLoaderTest {

    @Test
    void readsTheTokenAndTheConfigAndPutsTheChannelOnThePagePath() throws IOException {
        PageLoader.Rendered page = PageLoader.parse(URI.create("https://example.com:8443/chat?room=1"),
                "<head><script type=\"module\" src=\"/_pagewire/client.js\" data-pagewire-token=\"v1.a.1.m\" "
                        + "data-pagewire-config='{\"connectTimeout\":1500,\"upgradeAfter\":10000}'></script>");
        assertEquals("v1.a.1.m", page.token());
        assertEquals(Duration.ofMillis(1500), page.connectTimeout());
        assertEquals("wss://example.com:8443/chat?pagewire=v1.a.1.m", page.webSocketBase());
        assertEquals("https://example.com:8443/chat?pagewire=v1.a.1.m", page.httpBase());
    }

    @Test
    void ignoresAConfigThatIsNotJson() throws IOException {
        PageLoader.Rendered page = PageLoader.parse(URI.create("http://h/"),
                "<script data-pagewire-token=\"t\" data-pagewire-config='nope'></script>");
        assertNull(page.connectTimeout());
        assertEquals("ws://h/?pagewire=t", page.webSocketBase());
    }

    @Test
    void refusesAPageWithoutToken() {
        assertThrows(IOException.class, () -> PageLoader.parse(URI.create("http://h/x"), "<p>hi</p>"));
    }
}
