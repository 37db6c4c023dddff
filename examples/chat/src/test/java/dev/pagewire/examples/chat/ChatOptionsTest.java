package dev.pagewire.examples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The chat's command line: what each option sets, and the combinations it refuses. */
class ChatOptionsTest {

    @Test
    void defaultsArePlainHttpOnPort8080OfEveryInterface() {
        assertEquals(
                new ChatOptions("0.0.0.0", 8080, false, null, null, null, false, false, false), ChatOptions.parse());
    }

    @Test
    void tlsCertAndTlsKeyNameThePemFiles() {
        ChatOptions options = ChatOptions.parse("--port", "8443", "--tls-cert", "c.pem", "--tls-key", "k.pem");

        assertEquals(
                new ChatOptions("0.0.0.0", 8443, false, Path.of("c.pem"), Path.of("k.pem"), null, false, false, false),
                options);
    }

    @Test
    void tlsCertWithoutTlsKeyIsRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ChatOptions.parse("--tls-cert", "c.pem"));

        assertEquals("--tls-cert and --tls-key go together", e.getMessage());
    }

    @Test
    void selfSignedWithOwnFilesIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ChatOptions.parse("--self-signed", "--tls-cert", "c.pem", "--tls-key", "k.pem"));

        assertTrue(e.getMessage().startsWith("--self-signed makes its own certificate"), e.getMessage());
    }

    @Test
    void helpListsEveryOption() {
        assertTrue(ChatOptions.parse("--help").help());
        for (String option : new String[] {
            "--port",
            "--host",
            "--self-signed",
            "--tls-cert",
            "--tls-key",
            "--redis",
            "--metrics",
            "--dashboard",
            "--help"
        }) {
            assertTrue(ChatOptions.USAGE.contains(option), option);
        }
    }

    @Test
    void unknownOptionAndMissingValueAreRefused() {
        assertEquals(
                "unknown option --tls",
                assertThrows(IllegalArgumentException.class, () -> ChatOptions.parse("--tls"))
                        .getMessage());
        assertEquals(
                "--tls-key needs a value",
                assertThrows(IllegalArgumentException.class, () -> ChatOptions.parse("--tls-key"))
                        .getMessage());
    }

    @Test
    void redisNamesTheClusterToJoin() {
        assertEquals(
                "redis://10.0.0.5:6379",
                ChatOptions.parse("--redis", "redis://10.0.0.5:6379").redis());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ChatOptions.parse("--redis", "10.0.0.5:6379"));
        assertEquals("--redis needs a redis:// or rediss:// URI, got 10.0.0.5:6379", e.getMessage());
    }

    @Test
    void dashboardIsLocalUnlessAPasswordIsGiven() {
        assertTrue(ChatOptions.parse("--dashboard").dashboard());
        assertEquals(null, ChatApp.dashboardAccess(ChatOptions.parse()));
        // The environment of this test run has no PAGEWIRE_DASHBOARD_PASSWORD unless someone set one.
        if (System.getenv("PAGEWIRE_DASHBOARD_PASSWORD") == null) {
            assertEquals(
                    java.util.List.of("127.0.0.1", "::1"),
                    ChatApp.dashboardAccess(ChatOptions.parse("--dashboard")).addresses());
        }
    }
}
