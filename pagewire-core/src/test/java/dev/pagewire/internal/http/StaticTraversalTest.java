package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Settings;
import dev.pagewire.internal.App;
import dev.pagewire.testing.FakeExchange;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No request reaches a file outside a static root, however its path is spelled: every such request
 * is not Pagewire's (the adapter answers {@code 404}, or a servlet filter passes it on). The root
 * {@code public/} sits next to {@code secret.txt}, and holds a link to it.
 */
class StaticTraversalTest {

    @TempDir
    Path tmp;

    private App app;

    @BeforeEach
    void start() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("public"));
        Files.writeString(root.resolve("app.css"), "body{}");
        Files.createDirectory(root.resolve("sub"));
        Files.writeString(root.resolve("sub/inner.txt"), "inner");
        Files.writeString(tmp.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("link.txt"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("outside"), tmp);
        Files.createSymbolicLink(root.resolve("alias.css"), root.resolve("app.css"));
        app = new App(Settings.defaults());
        app.staticFiles("/assets", root);
    }

    @AfterEach
    void close() {
        app.close();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/assets/../secret.txt",
                "/assets/sub/../../secret.txt",
                "/assets/%2e%2e/secret.txt",
                "/assets/%2E%2E/secret.txt",
                "/assets/.%2e/secret.txt",
                "/assets/%252e%252e/secret.txt",
                "/assets/..%2fsecret.txt",
                "/assets/sub%2f..%2f..%2fsecret.txt",
                "/assets/..%5csecret.txt",
                "/assets/..\\secret.txt",
                "/assets/%5c..%5csecret.txt",
                "/assets//etc/passwd",
                "/assets/%2fetc%2fpasswd",
                "/assets/C:%5cWindows%5cwin.ini",
                "/assets/app.css%00.txt",
                "/assets/./app.css",
                "/assets/link.txt",
                "/assets/outside/secret.txt",
            })
    void aPathThatLeavesTheRootIsRefused(String target) {
        assertFalse(app.handle(FakeExchange.get(target)), target);
        assertFalse(app.handle(FakeExchange.request("HEAD", target)), target);
    }

    @Test
    void filesInsideTheRootAreServedLinksWithinItToo() {
        for (String target : new String[] {"/assets/app.css", "/assets/sub/inner.txt", "/assets/alias.css"}) {
            FakeExchange exchange = FakeExchange.get(target);
            assertTrue(app.handle(exchange), target);
            assertEquals(200, exchange.response().status(), target);
        }
    }

    @Test
    void aRootThatIsALinkServesWhereItPoints() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("current"), tmp.resolve("public"));
        app.staticFiles("/current", link);
        FakeExchange exchange = FakeExchange.get("/current/app.css");
        assertTrue(app.handle(exchange));
        assertEquals("body{}", exchange.response().bodyText());
        assertFalse(app.handle(FakeExchange.get("/current/link.txt")));
    }
}
