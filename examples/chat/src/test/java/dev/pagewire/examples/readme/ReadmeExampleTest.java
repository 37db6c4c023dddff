package dev.pagewire.examples.readme;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.PagewireServer;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.Wait;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's ten-line example (here as the formatter lays it out, and on a free port) in a real browser: it must keep working. */
class ReadmeExampleTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @Test
    void theReadmeExamplePushesTicksAndAnswersTheGreeting() {
        // --- README "Ten lines" ---
        Pagewire app = Pagewire.create();
        app.page("/", (request, page) -> {
            var ticks = Executors.newSingleThreadScheduledExecutor();
            ticks.scheduleAtFixedRate(() -> page.emit("tick", Instant.now().toString()), 0, 1, TimeUnit.SECONDS);
            page.onClose(ticks::shutdown); // server push, any time
            page.on("greet", e -> page.emit("greeted", "Hello, " + e.data().asText())); // page -> this Page
            return "<html><body><p id=t></p><script type=module>"
                    + "pagewire.page.on('tick', t => document.querySelector('#t').textContent = t);"
                    + "pagewire.page.on('greeted', alert); pagewire.page.emit('greet', 'Ada');</script></body></html>";
        });
        PagewireServer server =
                PagewireServer.start(app, s -> s.host("127.0.0.1").port(0));
        // --- end of the README example ---
        try (server;
                app) {
            Page tab = chromium.newContext().newPage();
            var alerts = new CopyOnWriteArrayList<String>();
            tab.onDialog(dialog -> {
                alerts.add(dialog.message());
                dialog.dismiss();
            });
            tab.navigate(server.uri().resolve("/").toString());
            assertThat(tab.locator("#t")).hasText(Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT"));
            String first = tab.locator("#t").textContent();
            assertThat(tab.locator("#t")).not().hasText(first);
            Wait.await(Duration.ofSeconds(10), "the greeting alert", () -> !alerts.isEmpty());
            assertEquals("Hello, Ada", alerts.get(0));
        }
    }
}
