package dev.pagewire.internal.http;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a channel request's {@code Origin} may proceed: the server's own origin, an origin
 * on the allow-list, or no Origin at all (not a browser). Protects against Cross-Site WebSocket
 * Hijacking: a foreign page's script cannot open a channel with the victim's cookies.
 *
 * <p>The server's own origin is recognised two ways: the browser says so ({@code Sec-Fetch-Site:
 * same-origin}, a header page scripts cannot set, sent by Chromium, Firefox and Safari on
 * WebSocket handshakes, EventSource and fetch), or {@code Origin} names the authority in {@code
 * Host}. The first works behind a reverse proxy that rewrites {@code Host} (nginx's bare {@code
 * proxy_pass} sends the upstream's address), which the second cannot know of; docs/SECURITY.md
 * gives the reasoning.
 */
public final class OriginPolicy {

    private final Set<String> allowed;
    private final boolean any;

    public OriginPolicy(Set<String> allowedOrigins) {
        this.any = allowedOrigins.contains("*");
        this.allowed = allowedOrigins.stream()
                .map(OriginPolicy::normalize)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * @param origin the Origin header or {@code null}
     * @param host the Host header the request arrived with (the server's authority as the browser
     *     named it), or {@code null}
     * @param fetchSite the {@code Sec-Fetch-Site} header, or {@code null}
     */
    public boolean allowed(String origin, String host, String fetchSite) {
        if (origin == null) {
            return true;
        }
        if (any || "same-origin".equals(fetchSite)) {
            return true;
        }
        String normalized = normalize(origin);
        if (allowed.contains(normalized)) {
            return true;
        }
        return host != null && sameAuthority(origin, host);
    }

    /** Compares the origin's host and port with the Host header (port defaulting by the origin's scheme). */
    private static boolean sameAuthority(String origin, String host) {
        URI uri;
        try {
            uri = URI.create(origin);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            return false;
        }
        int defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
        String hostName = host;
        int hostPort = defaultPort;
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
            hostName = host.substring(0, colon);
            try {
                hostPort = Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return uri.getHost().equalsIgnoreCase(hostName) && originPort == hostPort;
    }

    private static String normalize(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
