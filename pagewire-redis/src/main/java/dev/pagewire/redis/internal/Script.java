package dev.pagewire.redis.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The backplane's Lua scripts, each run atomically by Redis: every step that must not interleave
 * with another node's (taking a number, changing a topic and publishing the change) is one script.
 * Each script's source is {@code prelude.lua} followed by its own file, both in this package's
 * resources; the prelude documents every key.
 */
enum Script {
    /** Makes sure the epoch, the secret and a high enough node counter exist. */
    INIT("init.lua"),
    /** Takes a new node number. */
    CLAIM("claim.lua"),
    /** Takes a node number again after Redis lost its data. */
    RECLAIM("reclaim.lua"),
    /** Renews a lease that still holds this node's claim. */
    RENEW("renew.lua"),
    /** Reads every node's lease. */
    REFRESH("refresh.lua"),
    /** Removes a gone node's members, publishing their leaves. */
    REAP("reap.lua"),
    /** Ends this node's lease and removes its members. */
    LEAVE("leave.lua"),
    /** Puts a topic event into its topic's order. */
    PUBLISH("publish.lua"),
    /** Reads one topic's kept state. */
    SNAPSHOT("snapshot.lua");

    private final String source;
    private final String sha;

    Script(String file) {
        // Read per script: an enum constructor cannot use a static field of its own enum.
        this.source = read("prelude.lua") + read(file);
        this.sha = sha1(source);
    }

    /** The script's whole source, prelude included. */
    String source() {
        return source;
    }

    /** The SHA-1 Redis knows the script by once loaded (lower-case hex). */
    String sha() {
        return sha;
    }

    private static String read(String file) {
        try (InputStream in = Script.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + file + " next to " + Script.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String sha1(String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }
}
