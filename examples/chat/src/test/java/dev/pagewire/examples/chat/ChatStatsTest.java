package dev.pagewire.examples.chat;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.pagewire.netty.testing.Chromium;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chat's second channel in a real Chromium: every page opens {@code /stats} and shows how many
 * pages are in the room, live. A chat server of its own, so no other test's pages are counted.
 */
class ChatStatsTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private ChatApp.Running chat;
    private URI chatUri;

    @BeforeEach
    void start() {
        chat = ChatApp.start(s -> s.host("127.0.0.1").port(0));
        chatUri = chat.server().uri().resolve("/");
    }

    @AfterEach
    void stop() {
        chat.close();
    }

    private Page tab(BrowserContext context) {
        Page tab = context.newPage();
        tab.navigate(chatUri.toString());
        return tab;
    }

    @Test
    void everyTabShowsHowManyPagesAreOnlineAsTabsComeAndGo() {
        BrowserContext context = chromium.newContext();
        Page first = tab(context);
        assertThat(first.locator("#online")).hasText("1");

        Page second = tab(context);
        assertThat(second.locator("#online")).hasText("2");
        assertThat(first.locator("#online")).hasText("2");

        Page third = tab(chromium.newContext());
        assertThat(third.locator("#online")).hasText("3");
        assertThat(first.locator("#online")).hasText("3");

        second.close(); // the tab says bye: its page leaves the room at once
        assertThat(first.locator("#online")).hasText("2");
        assertThat(third.locator("#online")).hasText("2");
        assertEquals("connected", first.evaluate("() => pagewire.state"));
    }
}
