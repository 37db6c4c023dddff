package dev.pagewire.examples.chat;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.pagewire.netty.testing.Chromium;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The chat as started with {@code --self-signed}, in a Chromium told to accept that certificate. */
class ChatOverTlsTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @Test
    void chatWorksOverHttpsAndWssWithTheDevelopmentCertificate() {
        ChatOptions options = ChatOptions.parse("--self-signed", "--host", "127.0.0.1", "--port", "0");
        try (ChatApp.Running chat = ChatApp.start(ChatApp.settings(options))) {
            assertEquals("https", chat.server().uri().getScheme());
            Page tab = chromium.newContext(new Browser.NewContextOptions().setIgnoreHTTPSErrors(true))
                    .newPage();
            List<String> sockets = new CopyOnWriteArrayList<>();
            tab.onWebSocket(socket -> sockets.add(socket.url()));

            tab.navigate(chat.server().uri().toString());

            assertThat(tab.locator("#status")).containsText("connected");
            assertThat(tab.locator("#status")).containsText("websocket");
            tab.locator("#message").fill("hello over TLS");
            tab.locator("#send").click();
            assertThat(tab.locator("#messages li").filter(new Locator.FilterOptions().setHasText("hello over TLS")))
                    .hasCount(1);
            assertFalse(sockets.isEmpty());
            assertTrue(sockets.stream().allMatch(url -> url.startsWith("wss://")), sockets::toString);
        }
    }
}
