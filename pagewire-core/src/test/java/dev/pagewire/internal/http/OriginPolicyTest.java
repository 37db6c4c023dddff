package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private final OriginPolicy sameOriginOnly = new OriginPolicy(Set.of());

    @Test
    void requestWithoutOriginIsAllowed() {
        assertTrue(sameOriginOnly.allowed(null, "example.com"));
        assertTrue(sameOriginOnly.allowed(null, null));
    }

    @Test
    void sameHostAndPortIsAllowed() {
        assertTrue(sameOriginOnly.allowed("http://localhost:8080", "localhost:8080"));
        assertTrue(sameOriginOnly.allowed("https://App.Example.com", "app.example.COM"));
        assertTrue(sameOriginOnly.allowed("http://[::1]:8080", "[::1]:8080"));
        assertTrue(sameOriginOnly.allowed("http://[::1]", "[::1]"));
    }

    @Test
    void portsDefaultByTheOriginsScheme() {
        assertTrue(sameOriginOnly.allowed("http://example.com", "example.com"));
        assertTrue(sameOriginOnly.allowed("http://example.com", "example.com:80"));
        assertTrue(sameOriginOnly.allowed("https://example.com", "example.com:443"));
        assertTrue(sameOriginOnly.allowed("https://example.com:443", "example.com"));
        assertFalse(sameOriginOnly.allowed("https://example.com", "example.com:80"));
        assertFalse(sameOriginOnly.allowed("http://example.com", "example.com:443"));
    }

    @Test
    void foreignOriginIsRefused() {
        assertFalse(sameOriginOnly.allowed("https://evil.example", "example.com"));
        assertFalse(sameOriginOnly.allowed("http://localhost:8081", "localhost:8080"));
        assertFalse(sameOriginOnly.allowed("http://example.com.evil.example", "example.com"));
        assertFalse(sameOriginOnly.allowed("http://localhost:8080", null));
    }

    @Test
    void opaqueOrMalformedOriginIsRefused() {
        assertFalse(sameOriginOnly.allowed("null", "example.com"));
        assertFalse(sameOriginOnly.allowed("", "example.com"));
        assertFalse(sameOriginOnly.allowed("not a uri", "example.com"));
        assertFalse(sameOriginOnly.allowed("http://example.com", "example.com:http"));
    }

    @Test
    void allowListedOriginsAreAllowedAndOnlyThose() {
        OriginPolicy policy = new OriginPolicy(Set.of("https://friend.example", "http://localhost:3000"));
        assertTrue(policy.allowed("https://friend.example", "example.com"));
        assertTrue(policy.allowed("http://localhost:3000", "localhost:8080"));
        assertFalse(policy.allowed("http://friend.example", "example.com"), "the scheme is part of an origin");
        assertFalse(policy.allowed("https://friend.example:8443", "example.com"));
        assertFalse(policy.allowed("https://other.example", "example.com"));
        assertTrue(policy.allowed("http://example.com", "example.com"), "the own origin stays allowed");
    }

    @Test
    void allowListMatchingIgnoresCaseAndATrailingSlash() {
        OriginPolicy policy = new OriginPolicy(Set.of("HTTPS://Friend.Example/"));
        assertTrue(policy.allowed("https://friend.example", "example.com"));
        assertTrue(policy.allowed("https://FRIEND.example/", "example.com"));
        assertTrue(policy.allowed(" https://friend.example ", "example.com"));
    }

    @Test
    void starAllowsEveryOrigin() {
        OriginPolicy any = new OriginPolicy(Set.of("*"));
        assertTrue(any.allowed("https://anyone.example", "example.com"));
        assertTrue(any.allowed("null", null));
    }
}
