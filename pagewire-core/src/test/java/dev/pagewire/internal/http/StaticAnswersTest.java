package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Settings;
import dev.pagewire.internal.App;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.testing.FakeExchange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a GET or HEAD of a static file is answered, by RFC 9110: validators and {@code 304}, gzip,
 * byte ranges, types, and the memory limits. Files live in a temporary directory served at
 * {@code /s}, written with a fixed modification time.
 */
class StaticAnswersTest {

    /** Tue, 01 Jul 2025 12:00:00 GMT. */
    private static final Instant MTIME = Instant.parse("2025-07-01T12:00:00Z");

    private static final String LAST_MODIFIED = "Tue, 01 Jul 2025 12:00:00 GMT";
    private static final String TEXT = "0123456789".repeat(200); // 2000 bytes, gzips well

    @TempDir
    Path dir;

    private App app;

    private void start(Settings.StaticFileLimits limits) {
        app = new App(Settings.builder().staticFileLimits(limits).build());
        app.staticFiles("/s", dir);
    }

    private void start() {
        start(Settings.StaticFileLimits.DEFAULTS);
    }

    @AfterEach
    void close() {
        if (app != null) {
            app.close();
        }
    }

    private void write(String name, String content) throws IOException {
        write(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private void write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        Files.setLastModifiedTime(file, FileTime.from(MTIME));
    }

    private HttpResponse get(FakeExchange exchange) {
        assertTrue(app.handle(exchange), exchange.target());
        return exchange.response();
    }

    private HttpResponse get(String target, String... headers) {
        FakeExchange exchange = FakeExchange.get(target);
        for (int i = 0; i < headers.length; i += 2) {
            exchange.header(headers[i], headers[i + 1]);
        }
        return get(exchange);
    }

    // ---- validators and 304

    @Test
    void aFileComesWithValidatorsAndIsRevalidatedByDefault() throws Exception {
        write("a.txt", "hello");
        start();
        HttpResponse r = get("/s/a.txt");
        assertEquals(200, r.status());
        assertEquals("hello", r.bodyText());
        assertEquals("text/plain; charset=utf-8", r.headers().get("Content-Type"));
        assertEquals("no-cache", r.headers().get("Cache-Control"));
        assertEquals("nosniff", r.headers().get("X-Content-Type-Options"));
        assertEquals("bytes", r.headers().get("Accept-Ranges"));
        assertEquals(LAST_MODIFIED, r.headers().get("Last-Modified"));
        assertTrue(
                r.headers().get("ETag").matches("\"[A-Za-z0-9_-]+\""),
                r.headers().get("ETag"));
    }

    @Test
    void aRootMayNameItsOwnCacheControl() throws Exception {
        write("a.txt", "hello");
        start();
        app.staticFiles("/immutable", dir, "public, max-age=31536000, immutable");
        assertEquals(
                "public, max-age=31536000, immutable",
                get("/immutable/a.txt").headers().get("Cache-Control"));
        assertEquals("no-cache", get("/s/a.txt").headers().get("Cache-Control"));
    }

    @Test
    void aMatchingIfNoneMatchIsAnswered304WithoutABody() throws Exception {
        write("a.txt", "hello");
        start();
        String etag = get("/s/a.txt").headers().get("ETag");
        for (String condition : new String[] {etag, "W/" + etag, "\"other\", " + etag, "*"}) {
            HttpResponse r = get("/s/a.txt", "If-None-Match", condition);
            assertEquals(304, r.status(), condition);
            assertEquals(0, r.body().length);
            assertEquals(etag, r.headers().get("ETag"));
            assertEquals("no-cache", r.headers().get("Cache-Control"));
            assertEquals(LAST_MODIFIED, r.headers().get("Last-Modified"));
        }
        assertEquals(200, get("/s/a.txt", "If-None-Match", "\"other\"").status());
    }

    @Test
    void ifModifiedSinceIsAnswered304WhenTheFileIsNotNewer() throws Exception {
        write("a.txt", "hello");
        start();
        assertEquals(304, get("/s/a.txt", "If-Modified-Since", LAST_MODIFIED).status());
        assertEquals(
                304,
                get("/s/a.txt", "If-Modified-Since", "Wed, 02 Jul 2025 00:00:00 GMT")
                        .status());
        assertEquals(
                200,
                get("/s/a.txt", "If-Modified-Since", "Tue, 01 Jul 2025 11:59:59 GMT")
                        .status());
        assertEquals(200, get("/s/a.txt", "If-Modified-Since", "yesterday").status());
    }

    @Test
    void ifNoneMatchWinsOverIfModifiedSince() throws Exception {
        write("a.txt", "hello");
        start();
        HttpResponse r = get("/s/a.txt", "If-None-Match", "\"stale\"", "If-Modified-Since", LAST_MODIFIED);
        assertEquals(200, r.status(), "RFC 9110 §13.2.2: If-Modified-Since is ignored with If-None-Match");
    }

    @Test
    void aChangedFileHasANewETagAndIsServedAfresh() throws Exception {
        write("a.txt", "hello");
        start();
        String before = get("/s/a.txt").headers().get("ETag");
        write("a.txt", "hello, again"); // same time: the content tells
        HttpResponse r = get("/s/a.txt", "If-None-Match", before);
        assertEquals(200, r.status());
        assertEquals("hello, again", r.bodyText());
        assertNotEquals(before, r.headers().get("ETag"));
    }

    @Test
    void aFileLargerThanTheCacheKeepsHasAnETagFromSizeAndTime() throws Exception {
        write("a.txt", TEXT);
        start(new Settings.StaticFileLimits(0, 1 << 20));
        String etag = get("/s/a.txt").headers().get("ETag");
        assertTrue(etag.matches("\"7d0-[0-9a-f]+\""), etag);
        assertEquals(304, get("/s/a.txt", "If-None-Match", etag).status());
    }

    // ---- gzip

    @Test
    void textIsGzippedForAClientThatAcceptsIt() throws Exception {
        write("a.js", TEXT);
        start();
        HttpResponse r = get("/s/a.js", "Accept-Encoding", "gzip, deflate, br");
        assertEquals(200, r.status());
        assertEquals("gzip", r.headers().get("Content-Encoding"));
        assertEquals("Accept-Encoding", r.headers().get("Vary"));
        assertEquals(TEXT, gunzip(r.body()));
        assertTrue(r.body().length < TEXT.length() / 4);
        String gzipTag = r.headers().get("ETag");
        HttpResponse plain = get("/s/a.js");
        assertNull(plain.headers().get("Content-Encoding"));
        assertEquals("Accept-Encoding", plain.headers().get("Vary"));
        assertNotEquals(gzipTag, plain.headers().get("ETag"), "two representations, two strong ETags");
        HttpResponse again = get("/s/a.js", "Accept-Encoding", "gzip", "If-None-Match", gzipTag);
        assertEquals(304, again.status());
        assertEquals(gzipTag, again.headers().get("ETag"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "gzip|true",
                "GZIP;q=0.5|true",
                "x-gzip|true",
                "*|true",
                "gzip;q=0|false",
                "gzip; q=0.000|false",
                "*;q=0|false",
                "gzip;q=0, *|false",
                "br, *;q=0|false",
                "identity|false",
                "br|false",
            })
    void acceptEncodingIsReadWithItsQualities(String header, boolean gzip) {
        assertEquals(gzip, StaticAnswers.acceptsGzip(header), header);
    }

    @Test
    void smallFilesAndCompressedTypesAreSentAsTheyAre() throws Exception {
        write("small.css", "body{}");
        write("big.png", TEXT);
        write("big.woff2", TEXT);
        start();
        for (String name : new String[] {"small.css", "big.png", "big.woff2"}) {
            HttpResponse r = get("/s/" + name, "Accept-Encoding", "gzip");
            assertNull(r.headers().get("Content-Encoding"), name);
            assertNull(r.headers().get("Vary"), name);
        }
    }

    @Test
    void filesTooLargeForTheCacheAreSentUncompressed() throws Exception {
        write("a.svg", TEXT);
        start(new Settings.StaticFileLimits(16 * 1999, 1 << 20)); // keeps files of up to 1999 bytes
        HttpResponse r = get("/s/a.svg", "Accept-Encoding", "gzip");
        assertNull(r.headers().get("Content-Encoding"));
        assertNull(r.headers().get("Vary"));
        assertEquals(TEXT, r.bodyText());
        write("b.svg", TEXT.substring(1));
        assertEquals(
                "gzip", get("/s/b.svg", "Accept-Encoding", "gzip").headers().get("Content-Encoding"));
    }

    // ---- ranges

    @Test
    void aSingleRangeIsAnswered206() throws Exception {
        write("a.bin", TEXT);
        start();
        HttpResponse r = get("/s/a.bin", "Range", "bytes=10-14");
        assertEquals(206, r.status());
        assertEquals("01234", r.bodyText());
        assertEquals("bytes 10-14/2000", r.headers().get("Content-Range"));
        assertEquals("9", get("/s/a.bin", "Range", "bytes=-1").bodyText());
        assertEquals(
                "bytes 1995-1999/2000",
                get("/s/a.bin", "Range", "bytes=1995-").headers().get("Content-Range"));
    }

    @Test
    void aRangeOfTextIsNeverGzipped() throws Exception {
        write("a.txt", TEXT);
        start();
        HttpResponse r = get("/s/a.txt", "Range", "bytes=0-1", "Accept-Encoding", "gzip");
        assertEquals(206, r.status());
        assertNull(r.headers().get("Content-Encoding"));
        assertEquals("01", r.bodyText());
    }

    @Test
    void aRangePastTheEndIsAnswered416WithTheSize() throws Exception {
        write("a.bin", TEXT);
        start();
        HttpResponse r = get("/s/a.bin", "Range", "bytes=2000-");
        assertEquals(416, r.status());
        assertEquals("bytes */2000", r.headers().get("Content-Range"));
    }

    @Test
    void severalRangesOrAMalformedOneGetTheWholeFile() throws Exception {
        write("a.bin", TEXT);
        start();
        for (String range : new String[] {"bytes=0-1,4-5", "bytes=5-1", "lines=1-2"}) {
            HttpResponse r = get("/s/a.bin", "Range", range);
            assertEquals(200, r.status(), range);
            assertEquals(2000, r.body().length);
        }
    }

    @Test
    void ifRangeServesTheRangeOnlyOfTheSameFile() throws Exception {
        write("a.bin", TEXT);
        start();
        String etag = get("/s/a.bin").headers().get("ETag");
        assertEquals(
                206, get("/s/a.bin", "Range", "bytes=0-1", "If-Range", etag).status());
        assertEquals(
                206,
                get("/s/a.bin", "Range", "bytes=0-1", "If-Range", LAST_MODIFIED).status());
        assertEquals(
                200,
                get("/s/a.bin", "Range", "bytes=0-1", "If-Range", "\"old\"").status());
        assertEquals(
                200,
                get("/s/a.bin", "Range", "bytes=0-1", "If-Range", "W/" + etag).status());
        assertEquals(
                200,
                get("/s/a.bin", "Range", "bytes=0-1", "If-Range", "Mon, 30 Jun 2025 12:00:00 GMT")
                        .status());
    }

    // ---- HEAD

    @Test
    void aHeadIsAnsweredAsAGetWhoseBodyTheAdapterDrops() throws Exception {
        write("a.txt", TEXT);
        start();
        HttpResponse get = get("/s/a.txt", "Accept-Encoding", "gzip");
        FakeExchange head = FakeExchange.request("HEAD", "/s/a.txt").header("Accept-Encoding", "gzip");
        HttpResponse r = get(head);
        assertEquals(200, r.status());
        assertEquals(get.headers().toString(), r.headers().toString());
        assertEquals(get.body().length, r.body().length, "the Content-Length of the GET");
        FakeExchange ranged = FakeExchange.request("HEAD", "/s/a.txt").header("Range", "bytes=0-1");
        assertEquals(200, get(ranged).status(), "RFC 9110 §14.2: Range is for GET alone");
        FakeExchange conditional = FakeExchange.request("HEAD", "/s/a.txt")
                .header("If-None-Match", get.headers().get("ETag"))
                .header("Accept-Encoding", "gzip");
        assertEquals(304, get(conditional).status());
    }

    // ---- types

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "index.html|text/html; charset=utf-8",
                "app.css|text/css; charset=utf-8",
                "app.js|text/javascript; charset=utf-8",
                "mod.MJS|text/javascript; charset=utf-8",
                "data.json|application/json",
                "app.js.map|application/json",
                "icon.svg|image/svg+xml",
                "a.png|image/png",
                "a.jpg|image/jpeg",
                "a.jpeg|image/jpeg",
                "a.gif|image/gif",
                "a.webp|image/webp",
                "a.avif|image/avif",
                "favicon.ico|image/x-icon",
                "f.woff|font/woff",
                "f.woff2|font/woff2",
                "notes.txt|text/plain; charset=utf-8",
                "m.wasm|application/wasm",
                "doc.pdf|application/pdf",
                "feed.xml|application/xml",
                "Makefile|application/octet-stream",
                "dir.d/noext|application/octet-stream",
            })
    void eachExtensionHasItsType(String name, String type) {
        assertEquals(type, MediaTypes.of(name));
    }

    // ---- limits

    @Test
    void aFileUpToMaxFileBytesIsServedALargerOneIs500ButItsRangesAreServed() throws Exception {
        write("edge.bin", new byte[1000]);
        write("over.bin", new byte[1001]);
        start(new Settings.StaticFileLimits(0, 1000));
        assertEquals(1000, get("/s/edge.bin").body().length);
        assertEquals(500, get("/s/over.bin").status());
        HttpResponse part = get("/s/over.bin", "Range", "bytes=1-1000");
        assertEquals(206, part.status());
        assertEquals(1000, part.body().length);
        assertEquals(500, get("/s/over.bin", "Range", "bytes=0-1000").status());
    }

    @Test
    void aFileUpToASixteenthOfTheCacheIsKeptALargerOneIsReadEachTime() throws Exception {
        write("edge.txt", "x".repeat(100));
        write("over.txt", "y".repeat(101));
        start(new Settings.StaticFileLimits(1600, 1 << 20));
        assertTrue(get("/s/edge.txt").headers().get("ETag").matches("\"[A-Za-z0-9_-]{16}\""), "a content hash");
        assertTrue(get("/s/over.txt").headers().get("ETag").matches("\"65-[0-9a-f]+\""), "size and time");
    }

    @Test
    void aClassPathResourceIsServedWithValidators() {
        app = new App(Settings.defaults());
        app.staticResources("/r", "static-test");
        HttpResponse r = get("/r/hello.txt");
        assertEquals("hello from the class path\n", r.bodyText());
        assertEquals(
                304,
                get("/r/hello.txt", "If-None-Match", r.headers().get("ETag")).status());
        assertTrue(r.headers().get("Last-Modified").endsWith(" GMT"));
    }

    @Test
    void aResourceInAJarIsLastModifiedAtItsEntryTimeAndRangesAreRead() throws Exception {
        Path jar = dir.resolve("web.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            JarEntry entry = new JarEntry("web/a.css");
            entry.setLastModifiedTime(FileTime.from(MTIME));
            out.putNextEntry(entry);
            out.write(TEXT.getBytes(StandardCharsets.UTF_8));
        }
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Thread.currentThread().setContextClassLoader(loader);
            start(new Settings.StaticFileLimits(0, 1 << 20)); // nothing cached: every read is from the jar
            app.staticResources("/w", "web");
            HttpResponse r = get("/w/a.css", "Accept-Encoding", "gzip");
            assertEquals(LAST_MODIFIED, r.headers().get("Last-Modified"));
            assertEquals("text/css; charset=utf-8", r.headers().get("Content-Type"));
            assertEquals(TEXT, r.bodyText()); // not kept, so not gzipped
            assertEquals("56789", get("/w/a.css", "Range", "bytes=-5").bodyText());
            assertEquals(
                    304, get("/w/a.css", "If-Modified-Since", LAST_MODIFIED).status());
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    private static String gunzip(byte[] gzipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
