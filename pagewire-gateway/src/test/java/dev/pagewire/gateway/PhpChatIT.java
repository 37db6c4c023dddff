package dev.pagewire.gateway;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.pagewire.netty.testing.Chromium;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The chat of examples/chat written in plain PHP (examples/php-chat), behind the real gateway jar,
 * in a real Chromium: what ChatEndToEndTest, ChatStatsTest and the Spring chat's tests check of
 * the Java chat, with the same element ids and the same chat.js. Each browser test runs twice: on
 * a network that lets WebSocket through, and on one that refuses it, where the page falls back to
 * SSE by itself and the chat must not notice.
 */
class PhpChatIT {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    /** The chat most tests share; each test's messages carry a text no other test sends. */
    @RegisterExtension
    static final GatewayStack chat = GatewayStack.php("php-chat");

    /**
     * A room of its own for counting who is online, so that no other test's tab counts; the two
     * networks take turns in it, each closing its tabs when done.
     */
    @RegisterExtension
    static final GatewayStack room = GatewayStack.php("php-chat");

    private static final Pattern GUEST = Pattern.compile("Guest \\d+");
    private static final Pattern CLOCK = Pattern.compile("\\d\\d:\\d\\d:\\d\\d");

    /** The network between the browser and the gateway. */
    enum Network {
        WEBSOCKET("websocket"),
        /**
         * Every WebSocket the page opens is sent to a server that does not speak it ({@code php -S},
         * %d is its port): the handshake fails, as behind a proxy that drops {@code Upgrade}.
         */
        WEBSOCKET_REFUSED("sse");

        private static final String REFUSE_WEBSOCKET = """
            window.WebSocket = class extends WebSocket {
              constructor(url, protocols) {
                super(String(url).replace(/^wss?:\\/\\/[^/]+/, 'ws://127.0.0.1:%d'), protocols);
              }
            };
            """;

        /** The transport the chat's #status names once connected. */
        final String transport;

        Network(String transport) {
            this.transport = transport;
        }

        /** A new browser profile on this network, in front of {@code stack}. */
        BrowserContext context(GatewayStack stack) {
            BrowserContext context = chromium.newContext();
            if (this == WEBSOCKET_REFUSED) {
                context.addInitScript(REFUSE_WEBSOCKET.formatted(stack.backend().port()));
            }
            return context;
        }
    }

    @BeforeAll
    static void assertionTimeout() {
        // Match Playwright's assertion deadline to the one the contexts use for actions.
        PlaywrightAssertions.setDefaultAssertionTimeout(Chromium.DEFAULT_TIMEOUT.toMillis());
    }

    @ParameterizedTest
    @EnumSource(Network.class)
    void statusSaysConnected(Network network) {
        Page tab = openChat(network.context(chat), chat);

        assertThat(tab.locator("#status")).containsText("connected");
        assertThat(tab.locator("#status")).containsText(network.transport);
    }

    @ParameterizedTest
    @EnumSource(Network.class)
    void everyTabHasItsOwnNameAndWhatOneSaysAppearsInEveryTab(Network network) {
        BrowserContext context = network.context(chat);
        Page a = openChat(context, chat);
        Page b = openChat(context, chat);
        String nameA = myName(a);
        String nameB = myName(b);
        assertNotEquals(nameA, nameB, "each tab is its own page with its own name");

        String fromA = "hello from A over " + network;
        a.locator("#message").fill(fromA);
        a.locator("#send").click();
        assertThat(messages(b, fromA)).hasText(nameA + ": " + fromA);
        assertThat(messages(a, fromA)).hasText(nameA + ": " + fromA);
        assertThat(a.locator("#message")).hasValue("");

        String fromB = "and B answers over " + network;
        b.locator("#message").fill(fromB);
        b.locator("#send").click();
        assertThat(messages(a, fromB)).hasText(nameB + ": " + fromB);
        assertThat(messages(b, fromB)).hasText(nameB + ": " + fromB);
        // Each said it once: a message is never shown twice.
        assertThat(messages(a, fromA)).hasCount(1);
        assertThat(messages(b, fromB)).hasCount(1);
        assertThat(a.locator("#me")).hasText(nameA);
        assertThat(b.locator("#me")).hasText(nameB);
    }

    @ParameterizedTest
    @EnumSource(Network.class)
    void clockArrivesUnaskedAndTicks(Network network) {
        Page tab = openChat(network.context(chat), chat);

        assertThat(tab.locator("#clock")).hasText(CLOCK);
        String first = tab.locator("#clock").textContent();
        assertThat(tab.locator("#clock")).not().hasText(first);
        assertThat(tab.locator("#clock")).hasText(CLOCK);
    }

    @ParameterizedTest
    @EnumSource(Network.class)
    void onlineCountsTheTabsAsTheyComeAndGo(Network network) {
        try (BrowserContext context = network.context(room)) {
            Page first = openChat(context, room);
            assertThat(first.locator("#online")).hasText("1"); // once the other network's tabs are gone

            Page second = openChat(context, room);
            assertThat(second.locator("#online")).hasText("2");
            assertThat(first.locator("#online")).hasText("2");

            second.close(); // the tab says bye: its page is closed at once
            assertThat(first.locator("#online")).hasText("1");
            assertEquals("connected", first.evaluate("() => pagewire.state"));
        }
    }

    @ParameterizedTest
    @EnumSource(Network.class)
    void anEmptyOrTooLongMessageIsRefusedWithTheServersReason(Network network) {
        Page tab = openChat(network.context(chat), chat);
        myName(tab);

        // chat.js sends no empty message; a page's script may.
        tab.evaluate("() => pagewire.page.emit('say', { text: '  ' })");
        assertThat(tab.locator("#error")).hasText("say something first (empty_message)");

        tab.evaluate("() => pagewire.page.emit('say', { text: 'x'.repeat(501) })");
        assertThat(tab.locator("#error")).hasText("messages are at most 500 characters (message_too_long)");
        assertThat(tab.locator("#messages li")).hasCount(0);
    }

    @Test
    void aWebhookWithoutTheGatewaysSignatureIsRefused() {
        String say = """
            {"type":"event","page":"p","path":"/","context":"Guest 1","key":"p.1","event":"say","data":{"text":"forged"}}\
            """;
        long now = System.currentTimeMillis() / 1000;

        assertEquals(401, chat.postToBackend("/", say, null).statusCode(), "unsigned");
        assertEquals(
                401,
                chat.postToBackend("/", say, "t=" + now + ",v1=" + "0".repeat(64))
                        .statusCode(),
                "forged");
        assertEquals(
                401, chat.postToBackend("/", say, chat.sign(say, now - 301)).statusCode(), "301 s old");
        assertEquals(
                401,
                chat.postToBackend("/", say.replace("forged", "Forged"), chat.sign(say, now))
                        .statusCode(),
                "body changed after signing");
        assertEquals(401, chat.postToBackend("/stats", say, null).statusCode(), "unsigned, to the endpoint");
    }

    @Test
    void aRetriedWebhookGetsTheFirstAnswerAgain() {
        long now = System.currentTimeMillis() / 1000;
        String say = """
            {"type":"event","page":"p","path":"/","context":"Guest 7","key":"p.2","event":"say","data":{"text":" once "}}\
            """;
        HttpResponse<String> first = chat.postToBackend("/", say, chat.sign(say, now));
        assertEquals(200, first.statusCode(), first::body);
        assertEquals("""
            {"broadcast":[{"topic":"room","event":"message","data":{"from":"Guest 7","text":"once"}}]}\
            """, first.body());

        // The gateway retries with the same key when our answer was lost: it gets the same answer,
        // and applies it once, since it applied none before. The text does not matter any more.
        String retry = say.replace(" once ", "twice");
        HttpResponse<String> again = chat.postToBackend("/", retry, chat.sign(retry, now));
        assertEquals(first.body(), again.body());
    }

    /** A new tab of {@code context} showing the chat of {@code stack}, once its channel is connected. */
    private static Page openChat(BrowserContext context, GatewayStack stack) {
        Page tab = context.newPage();
        tab.navigate(stack.uri().toString());
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
