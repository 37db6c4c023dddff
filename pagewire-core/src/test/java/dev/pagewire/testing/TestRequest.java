package dev.pagewire.testing;

import dev.pagewire.PageRequest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * A GET of a page route without query parameters, from {@code peer} with {@code headers} (names in
 * any case).
 *
 * @param path the request's path
 * @param peer the peer's address literal
 * @param headers the request's headers
 */
public record TestRequest(String path, String peer, Map<String, String> headers) implements PageRequest {

    /** A GET of {@code path} without headers, from a loopback peer. */
    public TestRequest(String path) {
        this(path, "127.0.0.1", Map.of());
    }

    @Override
    public String query(String name) {
        return null;
    }

    @Override
    public Map<String, List<String>> queryParams() {
        return Map.of();
    }

    @Override
    public String header(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress(peer, 40000);
    }
}
