package dev.pagewire.examples.chatspring;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.pagewire.netty.testing.Chromium;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Spring Boot chat in a real Chromium, as a newcomer sees it in two tabs: the same page, ids and
 * behaviour as the chat on the embedded server. The application runs in this JVM on a free port of
 * 127.0.0.1, as {@code java -jar} runs it; a fresh one per test, so no other test's pages are counted.
 */
class ChatSpringEndToEndTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private static final Pattern GUEST = Pattern.compile("Guest \\d+");
    private static final Pattern CLOCK = Pattern.compile("\\d\\d:\\d\\d:\\d\\d");

    private ConfigurableApplicationContext chat;
    private String chatUri;

    @BeforeEach
    void start() {
        PlaywrightAssertions.setDefaultAssertionTimeout(Chromium.DEFAULT_TIMEOUT.toMillis());
        chat = SpringApplication.run(
                ChatSpringApp.class,
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--logging.level.root=warn",
                "--spring.main.banner-mode=off");
        chatUri = "http://127.0.0.1:"
                + ((WebServerApplicationContext) chat).getWebServer().getPort() + "/";
    }

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void twoTabsChatWithEachOtherAndBothShowTwoOnline() {
        BrowserContext context = chromium.newContext();
        Page a = openChat(context, "");
        Page b = openChat(context, "");
        String nameA = myName(a);
        String nameB = myName(b);
        assertNotEquals(nameA, nameB, "each tab is its own page with its own name");
        assertThat(a.locator("#online")).hasText("2");
        assertThat(b.locator("#online")).hasText("2");
        assertThat(a.locator("#status")).containsText("websocket");
        assertThat(a.locator("#message")).hasAttribute("maxlength", "500");

        a.locator("#message").fill("hello from A");
        a.locator("#send").click();
        assertThat(messages(b, "hello from A")).hasText(nameA + ": hello from A");
        assertThat(messages(a, "hello from A")).hasText(nameA + ": hello from A");
        assertThat(a.locator("#message")).hasValue("");

        b.locator("#message").fill("hello from B");
        b.locator("#send").click();
        assertThat(messages(a, "hello from B")).hasText(nameB + ": hello from B");

        assertThat(a.locator("#clock")).hasText(CLOCK);
        String first = a.locator("#clock").textContent();
        assertThat(a.locator("#clock")).not().hasText(first); // it ticks, unasked

        b.close(); // the tab says bye: its page leaves the room at once
        assertThat(a.locator("#online")).hasText("1");
    }

    @Test
    void aTabOnLongPollingChatsWithATabOnWebSocket() {
        BrowserContext context = chromium.newContext();
        Page polling = openChat(context, "?pagewire-transport=longpolling");
        Page socket = openChat(context, "");
        assertThat(polling.locator("#status")).containsText("longpolling");
        assertThat(polling.locator("#online")).hasText("2");

        polling.locator("#message").fill("over long-polling");
        polling.locator("#send").click();
        assertThat(messages(socket, "over long-polling")).hasText(myName(polling) + ": over long-polling");
        socket.locator("#message").fill("over a socket");
        socket.locator("#send").click();
        assertThat(messages(polling, "over a socket")).hasText(myName(socket) + ": over a socket");
    }

    @Test
    void anEmptyMessageIsRefusedWithTheServersReason() {
        Page tab = openChat(chromium.newContext(), "");
        tab.evaluate("() => pagewire.page.emit('say', { text: '  ' })");
        assertThat(tab.locator("#error")).hasText("say something first (empty_message)");
    }

    /** A new tab of {@code context} showing the chat, once its channel is connected. */
    private Page openChat(BrowserContext context, String query) {
        Page tab = context.newPage();
        tab.navigate(chatUri + query);
        assertThat(tab.locator("#status")).hasAttribute("data-state", "connected");
        return tab;
    }

    /** The name the server gave this tab, once it arrived. */
    private static String myName(Page tab) {
        assertThat(tab.locator("#me")).hasText(GUEST);
        return tab.locator("#me").textContent();
    }

    /** The chat lines of {@code tab} containing {@code text}. */
    private static Locator messages(Page tab, String text) {
        return tab.locator("#messages li").filter(new Locator.FilterOptions().setHasText(text));
    }
}
