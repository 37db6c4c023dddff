package dev.pagewire.examples.chat;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.Haproxy;
import dev.pagewire.netty.testing.NodeProcess;
import dev.pagewire.redis.testing.RedisServer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three chat processes started as the README says ({@code --redis}), behind haproxy balancing
 * round-robin with no stickiness, are one chat room: tabs that land on different chats talk,
 * {@code #online} counts every tab of the cluster, and each tab keeps its own name.
 */
class ChatClusterTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private static final Pattern READY = Pattern.compile("running at http://[^:]+:(?<port>\\d+)/");

    private static RedisServer redis;
    private static final List<NodeProcess> chats = new ArrayList<>();
    private static Haproxy haproxy;

    @BeforeAll
    static void start() {
        PlaywrightAssertions.setDefaultAssertionTimeout(Chromium.DEFAULT_TIMEOUT.toMillis());
        redis = RedisServer.start();
        for (int i = 0; i < 3; i++) {
            chats.add(NodeProcess.start(
                    READY, ChatApp.class, "--host", "127.0.0.1", "--port", "0", "--redis", redis.uri()));
        }
        haproxy = Haproxy.start(chats.stream().map(NodeProcess::address).toList(), Haproxy.Timeouts.DEFAULT);
    }

    @AfterAll
    static void stop() {
        if (haproxy != null) {
            haproxy.close();
        }
        chats.forEach(NodeProcess::close);
        if (redis != null) {
            redis.close();
        }
    }

    private static Page tab() {
        Page page = chromium.newContext().newPage();
        page.navigate(haproxy.uri().toString());
        assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
        return page;
    }

    /** The chat that owns a tab's page: the first 4 bytes of its id (docs/CLUSTER.md). */
    private static int owner(Page tab) {
        String id = (String) tab.evaluate("() => pagewire.pageId");
        return ByteBuffer.wrap(Base64.getUrlDecoder().decode(id)).getInt();
    }

    @Test
    void tabsOnDifferentChatsAreOneRoom() {
        Page a = tab();
        Page b = tab();
        for (int i = 0; i < 3 && owner(a) == owner(b); i++) {
            b = tab(); // round-robin: the next render goes to the next chat
        }
        assertNotEquals(owner(a), owner(b), "the two tabs live on different chats");

        a.locator("#message").fill("hello from the first chat");
        a.locator("#send").click();
        assertThat(b.locator("#messages li").last()).containsText("hello from the first chat");
        b.locator("#message").fill("and back from another");
        b.locator("#send").click();
        assertThat(a.locator("#messages li").last()).containsText("and back from another");

        assertNotEquals(a.locator("#me").textContent(), b.locator("#me").textContent(), "each tab its own name");
        assertThat(a.locator("#online")).hasText(String.valueOf(openTabs()));
        assertThat(b.locator("#online")).hasText(String.valueOf(openTabs()));
        assertThat(a.locator("#clock")).hasText(Pattern.compile("\\d\\d:\\d\\d:\\d\\d"));
    }

    /** The tabs open in this class now (every context of the test is still open). */
    private static int openTabs() {
        return chromium.browser().contexts().stream()
                .mapToInt(c -> c.pages().size())
                .sum();
    }
}
