package dev.pagewire.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.internal.Json;
import dev.pagewire.spi.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser client's files, read once from this module's resources, and how each is answered
 * below {@code /_pagewire/} (docs/CLIENT.md, "How the client is served"):
 *
 * <ul>
 *   <li>{@code client.HASH.js}, the bundle pages load ({@link #entry()}): cached by browsers for a
 *       year without asking again, in the best coding the browser accepts (brotli, gzip, none);
 *   <li>{@code client.HASH.js.map}, its source map;
 *   <li>the readable modules it is built from and {@code client.d.ts}, for anyone who imports them
 *       by hand: revalidated on every use ({@code no-cache}, an {@code ETag}, 304 Not Modified).
 * </ul>
 *
 * The bundle is built by tools/bundle-client.mjs in Maven's generate-resources phase; a jar built
 * without it (an IDE that skipped that phase) still works: pages then load the modules. Thread-safe.
 */
public final class ClientFiles {

    private static final Logger log = LoggerFactory.getLogger(ClientFiles.class);

    private static final String ROOT = "/dev/pagewire/client/";
    /** Where tools/bundle-client.mjs puts the bundle, under fixed names; its manifest names the hash. */
    private static final String BUNDLE = "bundle/";
    /** For the bundle only: its URL changes whenever a byte of it does. */
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** The bundle's URL and its source map's; another hash is another version's. */
    private static final Pattern HASHED = Pattern.compile("client\\.([0-9a-f]{1,64})\\.js(\\.map)?");
    /** The codings the bundle is stored in, besides none, in the order the server prefers them. */
    private static final List<String> CODINGS = List.of("br", "gzip");
    /**
     * Every file of the client: the entry {@code client.js}, the modules it imports by relative URL,
     * and the types. Only these are served, so no other resource of the jar is reachable by name.
     */
    private static final java.util.Set<String> NAMES = java.util.Set.of(
            "client.js",
            "client.d.ts",
            "connection.js",
            "opening.js",
            "client-state.js",
            "endpoint-connection.js",
            "negotiation.js",
            "upgrades.js",
            "upgrade.js",
            "liveness.js",
            "backoff.js",
            "lifecycle.js",
            "inbound.js",
            "receiver.js",
            "reconnects.js",
            "sender.js",
            "close-codes.js",
            "client-events.js",
            "options.js",
            "channels.js",
            "channel.js",
            "event-channel.js",
            "transport.js",
            "websocket.js",
            "sse.js",
            "event-stream.js",
            "longpolling.js",
            "http-link.js",
            "memory.js",
            "sequencer.js",
            "calls.js",
            "frames.js",
            "util.js");

    /** The bundle, or {@code null} when this jar was built without it. */
    private final Bundle bundle;
    /** Modules and the source map, read on first request; keyed by their path below {@link #ROOT}. */
    private final Map<String, File> files = new ConcurrentHashMap<>();

    /** Reads the bundle (about 62 KB in its three codings); logs a warning if it is missing. */
    public ClientFiles() {
        this.bundle = Bundle.read();
        if (bundle == null) {
            log.warn(
                    "the browser client's bundle ({}{}client-bundle.json) is not on the classpath: pages load the"
                            + " client as {} separate modules; build pagewire-core with Maven, whose generate-resources"
                            + " phase makes it (tools/bundle-client.sh, which needs Node 20+ and npm)",
                    ROOT,
                    BUNDLE,
                    NAMES.size() - 1);
        }
    }

    /**
     * The name below {@code /_pagewire/} pages load the client by: {@code client.HASH.js}, or {@code
     * client.js} when this jar was built without the bundle.
     */
    public String entry() {
        return bundle != null ? bundle.file() : "client.js";
    }

    /**
     * The answer to a GET (or HEAD: the adapter drops the body) of {@code /_pagewire/<name>}, or
     * {@code null} when {@code name} is no client file (the source map of another hash included;
     * another hash's bundle is answered with this one, uncached).
     *
     * @param header the request's headers by name ({@code Accept-Encoding}, {@code If-None-Match})
     */
    public HttpResponse answer(String name, Function<String, String> header) {
        Matcher hashed = HASHED.matcher(name);
        if (hashed.matches()) {
            if (bundle == null) {
                return null;
            }
            boolean own = hashed.group(1).equals(bundle.hash());
            if (hashed.group(2) != null) {
                return own
                        ? revalidated("application/json; charset=utf-8", file(BUNDLE + "client.min.js.map"), header)
                        : null;
            }
            // Another version's bundle: during a rolling deploy behind a round-robin balancer, a
            // page rendered by a node of one version asks a node of another for its client. This
            // node's client speaks the same protocol (the hello says which), so the page gets it,
            // but not to keep: under another version's URL it must not be cached.
            return own ? bundle.answer(header) : bundle.uncached(header);
        }
        if (!NAMES.contains(name)) {
            return null;
        }
        return revalidated(StaticFiles.contentType(name), file(name), header);
    }

    /** A file every use of which asks the server first: 304 when the browser's copy is current. */
    private static HttpResponse revalidated(String contentType, File file, Function<String, String> header) {
        HttpResponse.Headers headers =
                new HttpResponse.Headers().set("Cache-Control", "no-cache").set("ETag", file.etag());
        if (EntityTags.matches(header.apply("If-None-Match"), file.etag())) {
            return new HttpResponse(304, null, headers, new byte[0]);
        }
        headers.set("Content-Type", contentType).set("X-Content-Type-Options", "nosniff");
        return new HttpResponse(200, null, headers, file.body());
    }

    private File file(String path) {
        return files.computeIfAbsent(path, p -> {
            byte[] body = resource(p);
            if (body == null) {
                throw new IllegalStateException("client file missing from the pagewire-core jar: " + ROOT + p);
            }
            return new File(body, "\"" + sha256(body).substring(0, 16) + "\"");
        });
    }

    /** A resource below {@link #ROOT}, or {@code null} if there is none. */
    private static byte[] resource(String path) {
        try (InputStream in = ClientFiles.class.getResourceAsStream(ROOT + path)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ROOT + path + " from the pagewire-core jar", e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** A file's bytes and its strong entity tag (quoted). */
    private record File(byte[] body, String etag) {}

    /**
     * The bundle as tools/bundle-client.mjs built it: the hash in its URL and its bytes in each
     * coding ({@code identity}, {@code gzip}, {@code br}).
     */
    private record Bundle(String hash, String file, Map<String, byte[]> bodies) {

        /** The bundle from the resources, or {@code null} when its manifest is missing. */
        static Bundle read() {
            byte[] manifest = resource(BUNDLE + "client-bundle.json");
            if (manifest == null) {
                return null;
            }
            JsonNode json;
            try {
                json = Json.mapper().readTree(manifest);
            } catch (IOException e) {
                throw new IllegalStateException("unreadable " + ROOT + BUNDLE + "client-bundle.json: " + e, e);
            }
            String hash = json.path("hash").asText();
            String file = json.path("file").asText();
            if (!HASHED.matcher(file).matches() || !file.equals("client." + hash + ".js")) {
                throw new IllegalStateException(
                        ROOT + BUNDLE + "client-bundle.json names no client.HASH.js bundle: " + json);
            }
            Map<String, byte[]> bodies = Map.of(
                    AcceptEncoding.IDENTITY,
                    required("client.min.js"),
                    "gzip",
                    required("client.min.js.gz"),
                    "br",
                    required("client.min.js.br"));
            return new Bundle(hash, file, bodies);
        }

        private static byte[] required(String name) {
            byte[] body = resource(BUNDLE + name);
            if (body == null) {
                throw new IllegalStateException(
                        "the client's bundle is incomplete: " + ROOT + BUNDLE + name + " is missing from the jar");
            }
            return body;
        }

        /**
         * The bundle in the coding the browser prefers, to be kept for a year. Each coding has its own
         * entity tag, so that a cache never takes one for the other.
         */
        /** This bundle, for a request of another version's URL: {@code no-store}, no validator. */
        HttpResponse uncached(Function<String, String> header) {
            String coding = AcceptEncoding.choose(header.apply("Accept-Encoding"), CODINGS);
            HttpResponse.Headers headers = new HttpResponse.Headers()
                    .set("Cache-Control", "no-store")
                    .set("Vary", "Accept-Encoding")
                    .set("Content-Type", "text/javascript; charset=utf-8")
                    .set("X-Content-Type-Options", "nosniff");
            if (!coding.equals(AcceptEncoding.IDENTITY)) {
                headers.set("Content-Encoding", coding);
            }
            return new HttpResponse(200, null, headers, bodies.get(coding));
        }

        HttpResponse answer(Function<String, String> header) {
            String coding = AcceptEncoding.choose(header.apply("Accept-Encoding"), CODINGS);
            String etag =
                    coding.equals(AcceptEncoding.IDENTITY) ? "\"" + hash + "\"" : "\"" + hash + "-" + coding + "\"";
            HttpResponse.Headers headers = new HttpResponse.Headers()
                    .set("Cache-Control", IMMUTABLE)
                    .set("ETag", etag)
                    .set("Vary", "Accept-Encoding");
            if (EntityTags.matches(header.apply("If-None-Match"), etag)) {
                return new HttpResponse(304, null, headers, new byte[0]);
            }
            headers.set("Content-Type", "text/javascript; charset=utf-8").set("X-Content-Type-Options", "nosniff");
            if (!coding.equals(AcceptEncoding.IDENTITY)) {
                headers.set("Content-Encoding", coding);
            }
            return new HttpResponse(200, null, headers, bodies.get(coding));
        }
    }
}
