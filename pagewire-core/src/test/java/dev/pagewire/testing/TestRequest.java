package dev.pagewire.testing;

import dev.pagewire.PageRequest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** A GET of a page route without query parameters or headers, from a loopback peer. */
public record TestRequest(String path) implements PageRequest {

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
        return null;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }
}
