package dev.pagewire.gateway;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.pagewire.netty.testing.Chromium;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's "PHP in fifteen lines" does what it says, run as the README says: the snippet is
 * examples/php-hello/index.php, word for word, under {@code php -S} behind the gateway jar.
 */
class PhpFifteenLinesIT {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @RegisterExtension
    static final GatewayStack hello = GatewayStack.php("php-hello");

    private static final Pattern SECTION = Pattern.compile("(?s)\\n## PHP in fifteen lines\\n(.*?)\\n## ");
    private static final Pattern PHP_BLOCK = Pattern.compile("(?s)```php\\n(.*?)```");

    @BeforeAll
    static void assertionTimeout() {
        PlaywrightAssertions.setDefaultAssertionTimeout(Chromium.DEFAULT_TIMEOUT.toMillis());
    }

    @Test
    void theReadmeShowsTheFileThatRunsHereAndHowToRunIt() throws IOException {
        Path examples = Path.of(System.getProperty("examples.dir", "../examples"));
        String readme = Files.readString(examples.resolve("../README.md"), StandardCharsets.UTF_8);
        String file = Files.readString(examples.resolve("php-hello/index.php"), StandardCharsets.UTF_8);
        Matcher section = SECTION.matcher(readme);
        assertTrue(section.find(), "README.md has a section ## PHP in fifteen lines");
        Matcher snippet = PHP_BLOCK.matcher(section.group(1));
        assertTrue(snippet.find(), "the section shows a ```php block");

        assertEquals(file, snippet.group(1), "the README's snippet is examples/php-hello/index.php");
        assertTrue(
                file.lines().count() <= 15,
                () -> "fifteen lines at most, not " + file.lines().count());
        assertTrue(section.group(1).contains("php -S 127.0.0.1:8000 -t examples/php-hello"), section.group(1));
        assertTrue(
                section.group(1)
                        .contains("java -jar pagewire-gateway/target/pagewire-gateway.jar --backend"
                                + " http://127.0.0.1:8000"),
                section.group(1));
    }

    @Test
    void thePageRaisesAnEventAndTheScriptThatRenderedItAnswersIt() {
        Page tab = chromium.newContext().newPage();
        tab.navigate(hello.uri().toString());

        // Rendered with the id the gateway gave the page...
        assertThat(tab.locator("p").first()).hasText(Pattern.compile("Page \\S+"));
        // ...its greet came back to index.php as a signed webhook, whose answer emitted greeted.
        assertThat(tab.locator("#out")).hasText("Hello, Ada");
    }

    @Test
    void aWebhookWithoutTheGatewaysSignatureIsRefused() {
        String greet = """
            {"type":"event","page":"p","path":"/","context":null,"key":"p.1","event":"greet","data":"Eve"}\
            """;
        long now = System.currentTimeMillis() / 1000;

        assertEquals(401, hello.postToBackend("/", greet, null).statusCode(), "unsigned");
        assertEquals(
                401,
                hello.postToBackend("/", greet, hello.sign(greet, now - 301)).statusCode(),
                "301 s old");
        assertEquals(
                200, hello.postToBackend("/", greet, hello.sign(greet, now)).statusCode(), "the gateway's");
    }
}
