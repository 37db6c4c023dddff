package dev.pagewire.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The registry of live pages by id. Thread-safe. */
final class Pages {

    private final Map<String, LivePage> byId = new ConcurrentHashMap<>();

    void add(LivePage page) {
        byId.put(page.id(), page);
    }

    LivePage get(String id) {
        return byId.get(id);
    }

    void remove(LivePage page) {
        byId.remove(page.id(), page);
    }

    int size() {
        return byId.size();
    }

    Iterable<LivePage> all() {
        return byId.values();
    }
}
