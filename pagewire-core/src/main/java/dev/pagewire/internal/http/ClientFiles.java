package dev.pagewire.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The browser client's files, read once from this module's resources. Thread-safe. */
public final class ClientFiles {

    private static final String ROOT = "/dev/pagewire/client/";
    /**
     * Every file of the client: the entry {@code client.js}, the modules it imports by relative URL,
     * and the types. Only these are served, so no other resource of the jar is reachable by name.
     */
    private static final java.util.Set<String> NAMES = java.util.Set.of(
            "client.js",
            "client.d.ts",
            "connection.js",
            "negotiation.js",
            "upgrade.js",
            "liveness.js",
            "backoff.js",
            "lifecycle.js",
            "receiver.js",
            "close-codes.js",
            "client-events.js",
            "options.js",
            "channels.js",
            "event-channel.js",
            "transports.js",
            "memory.js",
            "sequencer.js",
            "calls.js",
            "frames.js",
            "util.js");

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /** The file's bytes, or {@code null} if it is not a client file. */
    public byte[] get(String name) {
        if (!NAMES.contains(name)) {
            return null;
        }
        return cache.computeIfAbsent(name, ClientFiles::read);
    }

    private static byte[] read(String name) {
        try (InputStream in = ClientFiles.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("client file missing from the pagewire-core jar: " + ROOT + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
