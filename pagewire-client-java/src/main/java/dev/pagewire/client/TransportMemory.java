package dev.pagewire.client;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where clients remember, per origin, the fallback a connection had to take (docs/PROTOCOL.md
 * §9.2), so that the next client of that origin starts there instead of waiting again for a
 * WebSocket that will not get through, and upgrades later (§9.5). The browser keeps this in {@code
 * localStorage}; the Java client, by default, in {@link #perJvm()}.
 *
 * <p>Written when a connection said {@code hello} over a fallback in an attempt where a WebSocket
 * failed, and when an upgrade failed; forgotten when a WebSocket said {@code hello}. An entry older
 * than {@link ClientOptions#rememberFor()} is ignored. A forced transport neither reads nor writes
 * it. Implementations must be thread-safe; a method that throws is logged and taken as "nothing
 * remembered".
 */
public interface TransportMemory {

    /**
     * A remembered fallback.
     *
     * @param transport {@link Transport#SSE} or {@link Transport#LONGPOLLING}
     * @param at when it was remembered
     */
    record Remembered(Transport transport, Instant at) {
        /**
         * Checks the fields.
         *
         * @throws NullPointerException if {@code transport} or {@code at} is {@code null}
         */
        public Remembered {
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * {@return what is remembered for {@code origin}, or {@code null} when nothing is}
     *
     * @param origin the origin, as {@code scheme://host:port}
     */
    Remembered recall(String origin);

    /**
     * Remembers that {@code origin}'s connections need {@code remembered.transport()}.
     *
     * @param origin the origin, as {@code scheme://host:port}
     * @param remembered the fallback that got through, and when
     */
    void remember(String origin, Remembered remembered);

    /**
     * A WebSocket got through to {@code origin}: nothing to remember any more.
     *
     * @param origin the origin, as {@code scheme://host:port}
     */
    void forget(String origin);

    /**
     * The memory every client of this JVM shares unless its options name another: what the
     * browser's storage is to the pages of one origin. It holds one small entry per origin.
     *
     * @return the JVM's shared memory
     */
    static TransportMemory perJvm() {
        return InMemory.JVM;
    }

    /** {@return a new, empty memory of its own, e.g. for the clients of one test or one load generator} */
    static TransportMemory inMemory() {
        return new InMemory();
    }

    /** {@return a memory that remembers nothing: every attempt starts with WebSocket} */
    static TransportMemory none() {
        return InMemory.NONE;
    }

    /** The in-memory implementation. */
    final class InMemory implements TransportMemory {
        private static final InMemory JVM = new InMemory();
        private static final TransportMemory NONE = new TransportMemory() {
            @Override
            public Remembered recall(String origin) {
                return null;
            }

            @Override
            public void remember(String origin, Remembered remembered) {}

            @Override
            public void forget(String origin) {}
        };

        private final Map<String, Remembered> byOrigin = new ConcurrentHashMap<>();

        private InMemory() {}

        @Override
        public Remembered recall(String origin) {
            return byOrigin.get(origin);
        }

        @Override
        public void remember(String origin, Remembered remembered) {
            byOrigin.put(origin, remembered);
        }

        @Override
        public void forget(String origin) {
            byOrigin.remove(origin);
        }
    }
}
