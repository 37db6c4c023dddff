package dev.pagewire.gateway;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.pagewire.netty.testing.Chromium;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PHP chat behind three gateway processes joined on Redis ({@code --redis}), themselves behind
 * haproxy balancing round-robin with no stickiness (docs/GATEWAY.md, docs/CLUSTER.md): tabs that
 * live on different gateways are one chat room, and a page on long-polling, whose every request may
 * land on another gateway, keeps its one page and its order.
 */
class GatewayClusterIT {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @RegisterExtension
    static final GatewayStack chat = GatewayStack.phpCluster("php-chat", 3);

    private static final Pattern CLOCK = Pattern.compile("\\d\\d:\\d\\d:\\d\\d");

    @BeforeAll
    static void assertionTimeout() {
        PlaywrightAssertions.setDefaultAssertionTimeout(Chromium.DEFAULT_TIMEOUT.toMillis());
    }

    private static Page tab(String query) {
        Page page = chromium.newContext().newPage();
        page.navigate(chat.uri().resolve("/" + query).toString());
        assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
        return page;
    }

    /** The gateway that owns a tab's page: the first 4 bytes of its id (docs/CLUSTER.md). */
    private static int owner(Page tab) {
        String id = (String) tab.evaluate("() => pagewire.pageId");
        return ByteBuffer.wrap(Base64.getUrlDecoder().decode(id)).getInt();
    }

    private static Locator said(Page tab, String text) {
        return tab.locator("#messages li", new Page.LocatorOptions().setHasText(text));
    }

    @Test
    void tabsOnDifferentGatewaysAreOneChatRoom() {
        Page a = tab("");
        Page b = tab("");
        for (int i = 0; i < 3 && owner(a) == owner(b); i++) {
            // A tab makes the same number of requests each time: one more moves the round-robin on.
            skipOneGateway();
            b = tab("");
        }
        assertNotEquals(owner(a), owner(b), "the two tabs live on different gateways");

        a.locator("#message").fill("hello from one gateway");
        a.locator("#send").click();
        assertThat(said(b, "hello from one gateway")).hasCount(1);
        b.locator("#message").fill("and back from another");
        b.locator("#send").click();
        assertThat(said(a, "and back from another")).hasCount(1);

        assertNotEquals(a.locator("#me").textContent(), b.locator("#me").textContent(), "each tab its own name");
        assertThat(a.locator("#clock")).hasText(CLOCK);
        assertThat(b.locator("#clock")).hasText(CLOCK);
        String online = String.valueOf(openTabs());
        assertThat(a.locator("#online")).hasText(online);
        assertThat(b.locator("#online")).hasText(online);
    }

    @Test
    void aLongPollingPageWhoseRequestsLandOnEveryGatewayKeepsItsPageAndOrder() {
        Page polling = tab("?pagewire-transport=longpolling");
        assertEquals("longpolling", polling.evaluate("() => pagewire.transport"));
        Page other = tab("");
        String pageId = (String) polling.evaluate("() => pagewire.pageId");
        Set<Integer> owners = new HashSet<>();
        for (int i = 1; i <= 12; i++) {
            polling.locator("#message").fill("poll " + i);
            polling.locator("#send").click();
            assertThat(said(other, "poll " + i)).hasCount(1);
            owners.add(owner(polling));
        }
        assertEquals(pageId, polling.evaluate("() => pagewire.pageId"), "one page throughout");
        assertEquals(Set.of(owner(polling)), owners);
        // Every message once and in order, in the other tab as in the sender's own.
        for (Page tab : new Page[] {polling, other}) {
            @SuppressWarnings("unchecked")
            java.util.List<String> texts = (java.util.List<String>)
                    tab.evaluate("() => [...document.querySelectorAll('#messages li')].map(li => li.textContent)"
                            + ".filter(t => / poll \\d+$/.test(t)).map(t => t.replace(/^.*: /, ''))");
            java.util.List<String> expected = new java.util.ArrayList<>();
            for (int i = 1; i <= 12; i++) {
                expected.add("poll " + i);
            }
            assertEquals(expected, texts);
        }
        Set<String> gateways = channelGateways(pageId);
        assertTrue(gateways.size() >= 2, "the page's channel requests reached only " + gateways);
    }

    /** The gateways haproxy sent this page's channel requests ({@code ?pagewire=v1.<id>.…}) to. */
    private static Set<String> channelGateways(String pageId) {
        Pattern server = Pattern.compile(" application/(application\\d*) ");
        Set<String> gateways = new java.util.TreeSet<>();
        try {
            for (String line : java.nio.file.Files.readAllLines(chat.balancerLog())) {
                java.util.regex.Matcher m = server.matcher(line);
                if (line.contains("v1." + pageId + ".") && m.find()) {
                    gateways.add(m.group(1));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return gateways;
    }

    /** One request through the balancer, so that the next one goes to the next gateway. */
    private static void skipOneGateway() {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            http.send(
                    java.net.http.HttpRequest.newBuilder(chat.uri().resolve("/assets/chat.css"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The tabs open in this class now (every context of the test is still open). */
    private static int openTabs() {
        return chromium.browser().contexts().stream()
                .mapToInt(c -> c.pages().size())
                .sum();
    }
}
