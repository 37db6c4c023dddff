package dev.pagewire.gateway;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.pagewire.netty.testing.Chromium;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * examples/python-chat/app.py (standard-library Python) behind the real gateway jar, in a real
 * Chromium: the page shows the id the gateway gave its render, a click is a call answered by a
 * webhook's reply and broadcast to every page, and a thread of the backend pushes the time through
 * the publish API.
 */
class PythonExampleIT {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @RegisterExtension
    static final GatewayStack clicks = GatewayStack.python("python-chat/app.py");

    private static final Pattern TIME = Pattern.compile("\\d\\d:\\d\\d:\\d\\d");

    @BeforeAll
    static void assertionTimeout() {
        PlaywrightAssertions.setDefaultAssertionTimeout(Chromium.DEFAULT_TIMEOUT.toMillis());
    }

    @Test
    void thePageShowsItsOwnIdAndConnects() {
        BrowserContext context = chromium.newContext();
        Page a = open(context);
        Page b = open(context);

        assertThat(a.locator("#status")).containsText("connected (websocket)");
        String idA = a.locator("#page").textContent();
        String idB = b.locator("#page").textContent();
        assertNotEquals("", idA.strip(), "the render got Pagewire-Page-Id");
        assertNotEquals(idA, idB, "every tab is a page of its own");
    }

    @Test
    void aClickIsRepliedToAndBroadcastToEveryPage() {
        BrowserContext context = chromium.newContext();
        Page a = open(context);
        Page b = open(context);
        String idA = a.locator("#page").textContent();
        String idB = b.locator("#page").textContent();

        a.locator("#click").click();
        assertThat(a.locator("#mine")).hasText("1"); // the call's reply
        a.locator("#click").click();
        assertThat(a.locator("#mine")).hasText("2");
        assertThat(b.locator("#feed li").first()).hasText(idA + " has 2"); // the broadcast

        b.locator("#click").click();
        assertThat(b.locator("#mine")).hasText("1"); // counted per page
        assertThat(a.locator("#feed li").first()).hasText(idB + " has 1");
        // Every page shows the same total, whatever the other tests clicked before: A's is final
        // once A shows B's click (the total is written before the line).
        String total = a.locator("#total").textContent();
        assertThat(b.locator("#total")).hasText(total);
    }

    @Test
    void aThreadOfTheBackendPushesTheTimeThroughThePublishApi() {
        Page tab = open(chromium.newContext());

        assertThat(tab.locator("#tick")).hasText(TIME);
        String first = tab.locator("#tick").textContent();
        assertThat(tab.locator("#tick")).not().hasText(first);
        assertThat(tab.locator("#tick")).hasText(TIME);
    }

    @Test
    void aWebhookWithoutTheGatewaysSignatureIsRefused() {
        String click = """
            {"type":"call","page":"p","path":"/","context":null,"key":"p.1","name":"click","args":null}\
            """;
        long now = System.currentTimeMillis() / 1000;

        assertEquals(401, clicks.postToBackend("/", click, null).statusCode(), "unsigned");
        assertEquals(
                401,
                clicks.postToBackend("/", click, clicks.sign(click, now - 301)).statusCode(),
                "301 s old");
        HttpResponse<String> signed = clicks.postToBackend("/", click, clicks.sign(click, now));
        assertEquals(200, signed.statusCode(), "the gateway's");
        assertEquals(
                signed.body(),
                clicks.postToBackend("/", click, clicks.sign(click, now)).body(),
                "a retry with the same key gets the same answer: counted once");
    }

    /** A new tab of {@code context} showing the page, once its channel is connected. */
    private static Page open(BrowserContext context) {
        Page tab = context.newPage();
        tab.navigate(clicks.uri().toString());
        assertThat(tab.locator("#status")).hasAttribute("data-state", "connected");
        return tab;
    }
}
