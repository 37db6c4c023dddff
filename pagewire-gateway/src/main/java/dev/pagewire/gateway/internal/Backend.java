package dev.pagewire.gateway.internal;

import java.net.URI;
import java.util.Locale;

/** URLs on the backend: where forwarded targets, webhooks and endpoint opens go. Stateless. */
final class Backend {

    private Backend() {}

    /** The backend's URL without a trailing {@code /}, so that a target starting with {@code /} can follow it. */
    static String base(URI backend) {
        String s = backend.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** The backend's origin, {@code http://host:port}, without its path prefix. */
    static URI origin(URI backend) {
        return URI.create(backend.getScheme() + "://" + backend.getRawAuthority());
    }

    /** Whether {@code url} is on the backend's origin: same scheme, host and port. */
    static boolean sameOrigin(URI backend, URI url) {
        return url.getScheme() != null
                && url.getHost() != null
                && url.getScheme().equalsIgnoreCase(backend.getScheme())
                && url.getHost()
                        .toLowerCase(Locale.ROOT)
                        .equals(backend.getHost().toLowerCase(Locale.ROOT))
                && port(url) == port(backend);
    }

    private static int port(URI url) {
        if (url.getPort() != -1) {
            return url.getPort();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }
}
