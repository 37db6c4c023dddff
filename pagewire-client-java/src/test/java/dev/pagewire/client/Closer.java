package dev.pagewire.client;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test opened, closed after it (with JUnit's {@code @AutoClose}) in the reverse order:
 * clients before the relays they talk through, relays before servers.
 */
final class Closer implements AutoCloseable {

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Closes {@code resource} after the test; returns it. */
    <T extends AutoCloseable> T add(T resource) {
        opened.add(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }
}
