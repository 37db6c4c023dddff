package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Pagewire;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's bundle over the embedded server, as an HTTP client sees it: the URL a page names,
 * its codings, HEAD, and revalidation of the modules. (ClientFilesTest in pagewire-core has every
 * rule; this is the same through Netty's encoder.)
 */
class ClientBundleTest {

    private static final Pattern SRC = Pattern.compile("src=\"(/_pagewire/client\\.[0-9a-f]{16}\\.js)\"");

    private final HttpClient http = HttpClient.newHttpClient();
    private Pagewire app;
    private PagewireServer server;
    private URI bundle;

    @BeforeEach
    void start() throws Exception {
        app = Pagewire.create(s -> {});
        app.page("/p", (request, page) -> "<html><head></head><body>p</body></html>");
        server = PagewireServer.start(app, s -> s.host("127.0.0.1").port(0));
        Matcher src = SRC.matcher(text("/p"));
        assertTrue(src.find());
        bundle = server.uri().resolve(src.group(1));
    }

    @AfterEach
    void stop() {
        server.close();
        app.close();
    }

    private String text(String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(server.uri().resolve(path)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private HttpResponse<byte[]> send(String method, URI uri, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theBundleGoesCompressedAndIsKeptForAYear() throws Exception {
        HttpResponse<byte[]> br = send("GET", bundle, "Accept-Encoding", "gzip, deflate, br");
        assertEquals(200, br.statusCode());
        assertEquals("br", br.headers().firstValue("content-encoding").orElseThrow());
        assertEquals(
                "public, max-age=31536000, immutable",
                br.headers().firstValue("cache-control").orElseThrow());
        assertEquals("Accept-Encoding", br.headers().firstValue("vary").orElseThrow());
        assertEquals(
                "text/javascript; charset=utf-8",
                br.headers().firstValue("content-type").orElseThrow());

        HttpResponse<byte[]> gzip = send("GET", bundle, "Accept-Encoding", "gzip");
        assertEquals("gzip", gzip.headers().firstValue("content-encoding").orElseThrow());
        HttpResponse<byte[]> plain = send("GET", bundle);
        assertTrue(plain.headers().firstValue("content-encoding").isEmpty());
        assertTrue(br.body().length < gzip.body().length && gzip.body().length < plain.body().length);
    }

    @Test
    void headAnswersTheHeadersOfGetWithoutABody() throws Exception {
        HttpResponse<byte[]> get = send("GET", bundle, "Accept-Encoding", "gzip");
        HttpResponse<byte[]> head = send("HEAD", bundle, "Accept-Encoding", "gzip");
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        assertEquals(
                String.valueOf(get.body().length),
                head.headers().firstValue("content-length").orElseThrow());
        assertEquals(get.headers().firstValue("etag"), head.headers().firstValue("etag"));
        assertEquals(
                get.headers().firstValue("content-encoding"), head.headers().firstValue("content-encoding"));
    }

    @Test
    void anotherVersionsBundleIsAnsweredWithThisOneUncachedAndTheModulesAreRevalidated() throws Exception {
        // A rolling deploy: a page rendered by a node of another version asks this node for its client.
        HttpResponse<byte[]> foreign =
                send("GET", server.uri().resolve("/_pagewire/client.0000000000000000.js"), "Accept-Encoding", "br");
        HttpResponse<byte[]> own = send("GET", bundle, "Accept-Encoding", "br");
        assertEquals(200, foreign.statusCode());
        assertEquals("no-store", foreign.headers().firstValue("cache-control").orElseThrow());
        assertEquals(Optional.empty(), foreign.headers().firstValue("etag"), "nothing to revalidate");
        assertArrayEquals(own.body(), foreign.body(), "this node's own client");
        assertEquals(
                404,
                send("GET", server.uri().resolve("/_pagewire/client.0000000000000000.js.map"))
                        .statusCode(),
                "another version's source map is not this one");
        HttpResponse<byte[]> module = send("GET", server.uri().resolve("/_pagewire/client.js"));
        assertEquals("no-cache", module.headers().firstValue("cache-control").orElseThrow());
        String etag = module.headers().firstValue("etag").orElseThrow();
        HttpResponse<byte[]> again = send("GET", server.uri().resolve("/_pagewire/client.js"), "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertArrayEquals(new byte[0], again.body());
    }
}
