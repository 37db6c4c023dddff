package dev.pagewire.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's command line: what a user types, and what it says when something is wrong. */
class GatewayOptionsTest {

    private static final String SECRET = "a-secret-of-at-least-thirty-two-chars";

    @Test
    void theIssuesCommandLineWithTheSecretInTheEnvironment() {
        GatewayOptions o = GatewayOptions.parse(
                new String[] {"--backend", "http://127.0.0.1:8000", "--port", "9000", "--host", "127.0.0.1"},
                Map.of("PAGEWIRE_SECRET", SECRET));
        assertEquals(URI.create("http://127.0.0.1:8000"), o.settings().backend());
        assertEquals(SECRET, o.settings().secret());
        assertEquals(null, o.redis());
    }

    @Test
    void everyLimitHasAnOption(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), SECRET + "\n");
        GatewayOptions o = GatewayOptions.parse(
                new String[] {
                    "--backend",
                    "http://b:80/app",
                    "--secret-file",
                    secret.toString(),
                    "--webhook-timeout",
                    "3",
                    "--webhook-retries",
                    "1",
                    "--backend-timeout",
                    "7",
                    "--max-html-scan",
                    "4096",
                    "--max-context-bytes",
                    "100",
                    "--endpoint",
                    "/stats",
                    "--redis",
                    "redis://127.0.0.1:6379"
                },
                Map.of());
        GatewaySettings s = o.settings();
        assertEquals(SECRET, s.secret(), "the file's trailing newline is not part of the secret");
        assertEquals(Duration.ofSeconds(3), s.webhookTimeout());
        assertEquals(1, s.webhookRetries());
        assertEquals(Duration.ofSeconds(7), s.backendTimeout());
        assertEquals(4096, s.maxHtmlScanBytes());
        assertEquals(100, s.maxContextBytes());
        assertEquals(List.of("/stats"), s.endpoints());
        assertEquals("redis://127.0.0.1:6379", o.redis());
    }

    @Test
    void withoutASecretItSaysHowToMakeOne() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> GatewayOptions.parse(new String[] {"--backend", "http://127.0.0.1:8000"}, Map.of()));
        assertTrue(e.getMessage().contains("PAGEWIRE_SECRET"), e.getMessage());
        assertTrue(e.getMessage().contains("openssl rand -hex 32"), e.getMessage());
    }

    @Test
    void aShortSecretOrNoBackendIsRefusedWithTheReason() {
        IllegalArgumentException shortSecret = assertThrows(
                IllegalArgumentException.class,
                () -> GatewayOptions.parse(
                        new String[] {"--backend", "http://127.0.0.1:8000"}, Map.of("PAGEWIRE_SECRET", "short")));
        assertTrue(shortSecret.getMessage().contains("at least 32"), shortSecret.getMessage());
        IllegalArgumentException noBackend = assertThrows(
                IllegalArgumentException.class,
                () -> GatewayOptions.parse(new String[] {}, Map.of("PAGEWIRE_SECRET", SECRET)));
        assertTrue(noBackend.getMessage().contains("--backend"), noBackend.getMessage());
        IllegalArgumentException https = assertThrows(
                IllegalArgumentException.class,
                () -> GatewayOptions.parse(new String[] {"--backend", "https://x"}, Map.of("PAGEWIRE_SECRET", SECRET)));
        assertTrue(https.getMessage().contains("http://"), https.getMessage());
    }
}
