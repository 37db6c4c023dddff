package dev.pagewire.internal.http;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's open fallback connections by id, so that the polls and POSTs of a connection find
 * it. Ids are 128 random bits: a connection id is not guessable, and a request must carry the
 * page's token as well (docs/PROTOCOL.md §8). Thread-safe.
 */
final class FallbackConnections {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final Map<String, FallbackConnection> byId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** A fresh connection id. */
    String newId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return B64.encodeToString(id);
    }

    void add(FallbackConnection connection) {
        byId.put(connection.id(), connection);
    }

    /** The connection with this id, or {@code null}. */
    FallbackConnection get(String id) {
        return id == null ? null : byId.get(id);
    }

    void remove(FallbackConnection connection) {
        byId.remove(connection.id(), connection);
    }

    /** Open connections now (tests, diagnostics). */
    int size() {
        return byId.size();
    }
}
