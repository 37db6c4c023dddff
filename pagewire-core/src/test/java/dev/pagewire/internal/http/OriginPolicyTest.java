package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private final OriginPolicy sameOriginOnly = new OriginPolicy(Set.of());

    @Test
    void requestWithoutOriginIsAllowed() {
        assertTrue(sameOriginOnly.allowed(null, "example.com", null));
        assertTrue(sameOriginOnly.allowed(null, null, null));
    }

    @Test
    void sameHostAndPortIsAllowed() {
        assertTrue(sameOriginOnly.allowed("http://localhost:8080", "localhost:8080", null));
        assertTrue(sameOriginOnly.allowed("https://App.Example.com", "app.example.COM", null));
        assertTrue(sameOriginOnly.allowed("http://[::1]:8080", "[::1]:8080", null));
        assertTrue(sameOriginOnly.allowed("http://[::1]", "[::1]", null));
    }

    @Test
    void portsDefaultByTheOriginsScheme() {
        assertTrue(sameOriginOnly.allowed("http://example.com", "example.com", null));
        assertTrue(sameOriginOnly.allowed("http://example.com", "example.com:80", null));
        assertTrue(sameOriginOnly.allowed("https://example.com", "example.com:443", null));
        assertTrue(sameOriginOnly.allowed("https://example.com:443", "example.com", null));
        assertFalse(sameOriginOnly.allowed("https://example.com", "example.com:80", null));
        assertFalse(sameOriginOnly.allowed("http://example.com", "example.com:443", null));
    }

    @Test
    void foreignOriginIsRefused() {
        assertFalse(sameOriginOnly.allowed("https://evil.example", "example.com", null));
        assertFalse(sameOriginOnly.allowed("http://localhost:8081", "localhost:8080", null));
        assertFalse(sameOriginOnly.allowed("http://example.com.evil.example", "example.com", null));
        assertFalse(sameOriginOnly.allowed("http://localhost:8080", null, null));
    }

    @Test
    void opaqueOrMalformedOriginIsRefused() {
        assertFalse(sameOriginOnly.allowed("null", "example.com", null));
        assertFalse(sameOriginOnly.allowed("", "example.com", null));
        assertFalse(sameOriginOnly.allowed("not a uri", "example.com", null));
        assertFalse(sameOriginOnly.allowed("http://example.com", "example.com:http", null));
    }

    @Test
    void allowListedOriginsAreAllowedAndOnlyThose() {
        OriginPolicy policy = new OriginPolicy(Set.of("https://friend.example", "http://localhost:3000"));
        assertTrue(policy.allowed("https://friend.example", "example.com", null));
        assertTrue(policy.allowed("http://localhost:3000", "localhost:8080", null));
        assertFalse(policy.allowed("http://friend.example", "example.com", null), "the scheme is part of an origin");
        assertFalse(policy.allowed("https://friend.example:8443", "example.com", null));
        assertFalse(policy.allowed("https://other.example", "example.com", null));
        assertTrue(policy.allowed("http://example.com", "example.com", null), "the own origin stays allowed");
    }

    @Test
    void allowListMatchingIgnoresCaseAndATrailingSlash() {
        OriginPolicy policy = new OriginPolicy(Set.of("HTTPS://Friend.Example/"));
        assertTrue(policy.allowed("https://friend.example", "example.com", null));
        assertTrue(policy.allowed("https://FRIEND.example/", "example.com", null));
        assertTrue(policy.allowed(" https://friend.example ", "example.com", null));
    }

    @Test
    void starAllowsEveryOrigin() {
        OriginPolicy any = new OriginPolicy(Set.of("*"));
        assertTrue(any.allowed("https://anyone.example", "example.com", null));
        assertTrue(any.allowed("null", null, null));
    }

    @Test
    void theBrowsersWordThatARequestIsSameOriginHoldsWhereAProxyRewroteHost() {
        // nginx's bare proxy_pass: the browser's Origin is the proxy's, Host the upstream's.
        assertTrue(sameOriginOnly.allowed("https://app.example", "127.0.0.1:8080", "same-origin"));
        assertFalse(sameOriginOnly.allowed("https://app.example", "127.0.0.1:8080", null));
        // Only same-origin: a sibling subdomain (same-site) or another site proves nothing.
        assertFalse(sameOriginOnly.allowed("https://evil.app.example", "127.0.0.1:8080", "same-site"));
        assertFalse(sameOriginOnly.allowed("https://evil.example", "127.0.0.1:8080", "cross-site"));
        assertFalse(sameOriginOnly.allowed("https://evil.example", "127.0.0.1:8080", "none"));
        assertFalse(sameOriginOnly.allowed("https://evil.example", "127.0.0.1:8080", "Same-Origin"));
    }
}
