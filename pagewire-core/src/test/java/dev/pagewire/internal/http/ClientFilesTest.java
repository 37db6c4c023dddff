package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.Settings;
import dev.pagewire.internal.App;
import dev.pagewire.internal.Json;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.testing.FakeExchange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the browser client is served below {@code /_pagewire/} (docs/CLIENT.md, "How the client is
 * served"): pages load one bundle by a content-hashed URL that browsers keep for a year, in the
 * coding they prefer; the readable modules stay reachable and are revalidated.
 */
class ClientFilesTest {

    private App app;
    private String bundle;

    @BeforeEach
    void start() throws IOException {
        app = new App(Settings.builder().build());
        app.page("/chat", (request, page) -> "<html><head></head><body>chat</body></html>");
        JsonNode manifest = Json.mapper().readTree(resource("bundle/client-bundle.json"));
        bundle = manifest.path("file").asText();
    }

    @AfterEach
    void close() {
        app.close();
    }

    private HttpResponse get(String name, String... headers) {
        return send(FakeExchange.get("/_pagewire/" + name), headers);
    }

    private HttpResponse send(FakeExchange exchange, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            exchange.header(headers[i], headers[i + 1]);
        }
        assertTrue(app.handle(exchange));
        return exchange.response();
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = ClientFiles.class.getResourceAsStream("/dev/pagewire/client/" + path)) {
            assertTrue(in != null, path + " is on the classpath (mvn generate-resources builds it)");
            return in.readAllBytes();
        }
    }

    @Test
    void aRenderedPageLoadsTheBundleByItsContentHashedUrl() {
        assertTrue(bundle.matches("client\\.[0-9a-f]{16}\\.js"), bundle);
        assertEquals(bundle, app.clientFiles().entry());
        HttpResponse page = send(FakeExchange.get("/chat"));
        assertTrue(
                page.bodyText().contains("<script type=\"module\" src=\"/_pagewire/" + bundle + "\""), page.bodyText());
    }

    @Test
    void theBundleIsCachedForAYearWithoutAsking() throws IOException {
        HttpResponse js = get(bundle);
        assertEquals(200, js.status());
        assertEquals("public, max-age=31536000, immutable", js.headers().get("Cache-Control"));
        assertEquals("text/javascript; charset=utf-8", js.headers().get("Content-Type"));
        assertEquals("Accept-Encoding", js.headers().get("Vary"));
        assertEquals("nosniff", js.headers().get("X-Content-Type-Options"));
        assertNull(js.headers().get("Content-Encoding"));
        assertArrayEquals(resource("bundle/client.min.js"), js.body());
        assertTrue(js.bodyText().endsWith("\n//# sourceMappingURL=" + bundle + ".map\n"));
        assertTrue(js.bodyText().contains("data-pagewire-token"), "it is the client, entry included");
    }

    @Test
    void theBundleComesInTheCodingTheBrowserPrefers() throws IOException {
        byte[] plain = resource("bundle/client.min.js");
        HttpResponse br = get(bundle, "Accept-Encoding", "gzip, deflate, br, zstd");
        assertEquals("br", br.headers().get("Content-Encoding"));
        assertArrayEquals(resource("bundle/client.min.js.br"), br.body());
        assertTrue(br.body().length < plain.length / 2, "brotli: " + br.body().length + " of " + plain.length);

        HttpResponse gzip = get(bundle, "Accept-Encoding", "gzip, deflate");
        assertEquals("gzip", gzip.headers().get("Content-Encoding"));
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip.body()))) {
            assertArrayEquals(plain, in.readAllBytes());
        }

        HttpResponse none = get(bundle, "Accept-Encoding", "identity");
        assertNull(none.headers().get("Content-Encoding"));
        assertArrayEquals(plain, none.body());

        for (HttpResponse each : new HttpResponse[] {br, gzip, none}) {
            assertEquals("public, max-age=31536000, immutable", each.headers().get("Cache-Control"));
            assertEquals("Accept-Encoding", each.headers().get("Vary"));
        }
        assertNotEquals(br.headers().get("ETag"), gzip.headers().get("ETag"), "each coding has its own tag");
        assertNotEquals(gzip.headers().get("ETag"), none.headers().get("ETag"));
    }

    @Test
    void aCodingRatedZeroIsNotSent() {
        assertEquals(
                "gzip", get(bundle, "Accept-Encoding", "br;q=0, gzip").headers().get("Content-Encoding"));
        assertNull(get(bundle, "Accept-Encoding", "br;q=0, gzip;q=0").headers().get("Content-Encoding"));
        assertNull(get(bundle, "Accept-Encoding", "*;q=0").headers().get("Content-Encoding"));
        assertEquals(
                "gzip", get(bundle, "Accept-Encoding", "*;q=0, gzip").headers().get("Content-Encoding"));
    }

    @Test
    void theBundleIsRevalidatedByItsTag() {
        String etag = get(bundle, "Accept-Encoding", "br").headers().get("ETag");
        HttpResponse again = get(bundle, "Accept-Encoding", "br", "If-None-Match", etag);
        assertEquals(304, again.status());
        assertEquals(0, again.body().length);
        assertEquals(etag, again.headers().get("ETag"));
        assertEquals("public, max-age=31536000, immutable", again.headers().get("Cache-Control"));
        assertEquals(
                200,
                get(bundle, "Accept-Encoding", "gzip", "If-None-Match", etag).status(),
                "a brotli tag does not stand for the gzip body");
    }

    @Test
    void anotherVersionsBundleGetsThisOneNotToKeepAndWhatIsNoBundleIsNotFound() {
        String other = bundle.startsWith("client.0") ? "client.1234567890abcdef.js" : "client.0123456789abcdef.js";
        HttpResponse foreign = get(other, "Accept-Encoding", "br");
        HttpResponse own = get(bundle, "Accept-Encoding", "br");
        assertEquals(200, foreign.status());
        assertEquals("no-store", foreign.headers().get("Cache-Control"), "not kept under another version's URL");
        assertNull(foreign.headers().get("ETag"));
        assertEquals("br", foreign.headers().get("Content-Encoding"));
        assertArrayEquals(own.body(), foreign.body());
        for (String name : new String[] {other + ".map", "client..js", "client.XYZ.js"}) {
            HttpResponse response = get(name, "Accept-Encoding", "br");
            assertEquals(404, response.status(), name);
            assertEquals("no-store", response.headers().get("Cache-Control"), name + " is not kept");
        }
    }

    @Test
    void theSourceMapNamesTheModulesAndHoldsTheirText() throws IOException {
        HttpResponse map = get(bundle + ".map");
        assertEquals(200, map.status());
        assertEquals("application/json; charset=utf-8", map.headers().get("Content-Type"));
        assertEquals("no-cache", map.headers().get("Cache-Control"));
        JsonNode json = Json.mapper().readTree(map.body());
        assertEquals(3, json.path("version").asInt());
        int client = -1;
        for (int i = 0; i < json.path("sources").size(); i++) {
            if (json.path("sources").get(i).asText().equals("client.js")) {
                client = i;
            }
        }
        assertTrue(client >= 0, "sources as served beside the map: " + json.path("sources"));
        assertEquals(
                new String(resource("client.js"), java.nio.charset.StandardCharsets.UTF_8),
                json.path("sourcesContent").get(client).asText());
    }

    @Test
    void theModulesAreStillServedAndRevalidated() {
        HttpResponse js = get("client.js");
        assertEquals(200, js.status());
        assertEquals("text/javascript; charset=utf-8", js.headers().get("Content-Type"));
        assertEquals("no-cache", js.headers().get("Cache-Control"));
        String etag = js.headers().get("ETag");
        assertTrue(etag.matches("\"[0-9a-f]{16}\""), etag);
        assertTrue(js.bodyText().contains("import { PagewireClient } from './connection.js';"));

        HttpResponse same = get("client.js", "If-None-Match", etag);
        assertEquals(304, same.status());
        assertEquals(0, same.body().length);
        assertEquals(etag, same.headers().get("ETag"));
        assertEquals("no-cache", same.headers().get("Cache-Control"));
        assertEquals(304, get("client.js", "If-None-Match", "\"x\", W/" + etag).status(), "weak comparison");
        assertEquals(304, get("client.js", "If-None-Match", "*").status());
        assertEquals(
                200, get("client.js", "If-None-Match", "\"0000000000000000\"").status());
        assertEquals(200, get("connection.js", "If-None-Match", etag).status(), "another module has another tag");
    }

    @Test
    void headIsAnsweredLikeGet() {
        HttpResponse head = send(FakeExchange.request("HEAD", "/_pagewire/" + bundle), "Accept-Encoding", "gzip");
        assertEquals(200, head.status());
        assertEquals("gzip", head.headers().get("Content-Encoding"));
        assertEquals("public, max-age=31536000, immutable", head.headers().get("Cache-Control"));
        assertEquals(
                200, send(FakeExchange.request("HEAD", "/_pagewire/client.js")).status());
    }

    @Test
    void onlyGetAndHeadAreAnswered() {
        assertEquals(404, send(FakeExchange.post("/_pagewire/" + bundle, "")).status());
    }
}
