package dev.pagewire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.testing.TestRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardAccessTest {

    private static final String PASSWORD = "correct horse battery";

    /** A request for the dashboard from {@code peer} with these headers. */
    private static TestRequest request(String peer, Map<String, String> headers) {
        return new TestRequest("/admin", peer, headers);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void thePasswordAdmitsWithAnyUserName() {
        DashboardAccess access = DashboardAccess.password(PASSWORD);
        assertTrue(access.admits(request("203.0.113.9", Map.of("Authorization", basic("ops", PASSWORD)))));
        assertTrue(access.admits(request("203.0.113.9", Map.of("authorization", basic("", PASSWORD)))));
        assertTrue(access.hasPassword());
    }

    @Test
    void nothingElseAdmitsAPasswordRule() {
        DashboardAccess access = DashboardAccess.password(PASSWORD);
        for (String authorization : new String[] {
            basic("ops", PASSWORD + "x"),
            basic("ops", PASSWORD.substring(1)),
            "Bearer " + PASSWORD,
            "Basic !!!not-base64",
            "Basic " + Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8)), // no colon
            "Basic"
        }) {
            assertFalse(access.admits(request("127.0.0.1", Map.of("Authorization", authorization))), authorization);
        }
        assertFalse(access.admits(request("127.0.0.1", Map.of())), "no password, and no address rule");
    }

    @Test
    void addressesAdmitTheirPeersUnlessTheRequestCameThroughAProxy() {
        DashboardAccess access = DashboardAccess.from("127.0.0.1", "10.0.0.0/8");
        assertTrue(access.admits(request("127.0.0.1", Map.of())));
        assertTrue(access.admits(request("10.20.30.40", Map.of())));
        assertFalse(access.admits(request("192.0.2.1", Map.of())));
        assertFalse(access.admits(request("127.0.0.1", Map.of("X-Forwarded-For", "192.0.2.1"))));
        assertFalse(access.admits(request("127.0.0.1", Map.of("Forwarded", "for=192.0.2.1"))));
        assertFalse(access.hasPassword());
        assertEquals(List.of("127.0.0.1", "10.0.0.0/8"), access.addresses());
    }

    @Test
    void aPasswordAndAddressesEachAdmit() {
        DashboardAccess access = DashboardAccess.password(PASSWORD).orFrom("::1");
        assertTrue(access.admits(request("::1", Map.of())));
        assertTrue(access.admits(request("192.0.2.1", Map.of("Authorization", basic("a", PASSWORD)))));
        assertTrue(
                access.admits(
                        request("127.0.0.1", Map.of("X-Forwarded-For", "x", "Authorization", basic("a", PASSWORD)))),
                "a password admits through a proxy");
        assertFalse(access.admits(request("192.0.2.1", Map.of())));
    }

    @Test
    void refusesWeakOrMissingRules() {
        assertThrows(IllegalArgumentException.class, () -> DashboardAccess.password("short"));
        assertThrows(NullPointerException.class, () -> DashboardAccess.password(null));
        assertThrows(IllegalArgumentException.class, DashboardAccess::from);
        assertThrows(IllegalArgumentException.class, () -> DashboardAccess.from("intranet.example"));
    }

    @Test
    void neverShowsThePassword() {
        assertFalse(DashboardAccess.password(PASSWORD).toString().contains(PASSWORD));
    }
}
