package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.pagewire.DashboardAccess;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.Wait;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The live dashboard (docs/OPERATIONS.md, Dashboard) on the real server: only its password or its
 * addresses open it, and in Chromium it follows tabs of the application as they come and go, over
 * its own channel.
 */
class DashboardInChromiumTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private static final String PASSWORD = "dashboard-test-password";
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final HttpClient http = HttpClient.newHttpClient();
    private Pagewire app;
    private PagewireServer server;

    private void start(DashboardAccess access) {
        app = Pagewire.create(s -> {});
        app.page("/chat", (request, page) -> {
            page.join("chat");
            page.on("say", e -> app.topic("chat").emit("said", e.data()));
            return "<!doctype html><html><head><title>chat</title></head><body>chat</body></html>";
        });
        app.dashboard("/admin/pagewire", access);
        server = PagewireServer.start(app, s -> s.host("127.0.0.1").port(0));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private HttpResponse<String> get(String path, Consumer<HttpRequest.Builder> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path));
        headers.accept(request);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString(("ops:" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPasswordRuleAsksForThePasswordAndTakesOnlyIt() throws Exception {
        start(DashboardAccess.password(PASSWORD));
        HttpResponse<String> none = get("/admin/pagewire", r -> {});
        assertEquals(401, none.statusCode());
        assertEquals(
                "Basic realm=\"Pagewire dashboard\", charset=\"UTF-8\"",
                none.headers().firstValue("WWW-Authenticate").orElse(null));
        assertFalse(none.body().contains("data-pagewire-token"), "no page token without the password");
        assertEquals(
                401,
                get("/admin/pagewire", r -> r.header("Authorization", basic(PASSWORD + "!")))
                        .statusCode());
        HttpResponse<String> admitted = get("/admin/pagewire", r -> r.header("Authorization", basic(PASSWORD)));
        assertEquals(200, admitted.statusCode());
        assertTrue(admitted.body().contains("data-pagewire-token"), "the dashboard is a page with a channel");
        assertEquals("no-store", admitted.headers().firstValue("Cache-Control").orElse(null));
    }

    @Test
    void anAddressRuleTakesItsAddressesUnlessAProxyForwarded() throws Exception {
        start(DashboardAccess.from("127.0.0.1"));
        assertEquals(200, get("/admin/pagewire", r -> {}).statusCode());
        HttpResponse<String> forwarded = get("/admin/pagewire", r -> r.header("X-Forwarded-For", "127.0.0.1"));
        assertEquals(403, forwarded.statusCode());
        assertTrue(forwarded.body().contains("proxy"), forwarded.body());
        stop();
        start(DashboardAccess.from("10.0.0.0/8"));
        assertEquals(403, get("/admin/pagewire", r -> {}).statusCode());
    }

    @Test
    void theDashboardFollowsTabsAsTheyComeAndGo() {
        start(DashboardAccess.password(PASSWORD));
        URI base = server.uri();
        BrowserContext admin = chromium.newContext(new Browser.NewContextOptions().setHttpCredentials("ops", PASSWORD));
        Page dashboard = admin.newPage();
        dashboard.navigate(base.resolve("/admin/pagewire").toString());
        // The dashboard's own page is the first one on the node.
        awaitText(dashboard, "total-pages", "1");
        awaitText(dashboard, "total-websocket", "1");

        BrowserContext users = chromium.newContext();
        List<Page> tabs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Page tab = users.newPage();
            tab.navigate(base.resolve("/chat").toString());
            tabs.add(tab);
        }
        awaitText(dashboard, "total-websocket", "4");
        awaitText(dashboard, "total-pages", "4");
        awaitCell(dashboard, "#topics", "chat");
        String chatMembers = (String) dashboard.evaluate(
                "() => [...document.querySelectorAll('#topics tr')].find(r => r.cells[0].textContent ==="
                        + " 'chat').cells[1].textContent");
        assertEquals("3", chatMembers);

        tabs.get(0).evaluate("() => window.pagewire.page.emit('say', 'hi')");
        Wait.await(
                WAIT,
                "events out per second above 0",
                () -> Double.parseDouble(text(dashboard, "total-out").replace(",", "")) > 0);

        tabs.remove(0).close();
        tabs.remove(0).close();
        awaitText(dashboard, "total-websocket", "2");
        awaitText(dashboard, "total-pages", "2");
        awaitCell(dashboard, "#closes", "page left"); // the closed tabs said bye (1000)
        int points = Integer.parseInt(
                (String) dashboard.evaluate("() => document.getElementById('connections-chart').dataset.points"));
        assertTrue(points >= 3, "the chart drew a point each second: " + points);
        assertTrue(((String) dashboard.evaluate("() => document.getElementById('status').textContent"))
                .startsWith("live"));
    }

    private static String text(Page page, String id) {
        return (String) page.evaluate("id => document.getElementById(id).textContent", id);
    }

    private static void awaitText(Page page, String id, String expected) {
        Wait.await(WAIT, id + " = " + expected, () -> expected.equals(text(page, id)));
    }

    private static void awaitCell(Page page, String table, String text) {
        Wait.await(WAIT, table + " shows " + text, () -> (Boolean) page.evaluate(
                "([sel, t]) => [...document.querySelectorAll(sel + ' td')].some(td => td.textContent === t)",
                List.of(table, text)));
    }
}
