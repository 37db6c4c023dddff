package dev.pagewire.internal.http;

import dev.pagewire.spi.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Answers a GET or HEAD of a static file by the rules of RFC 9110: validators ({@code ETag},
 * {@code Last-Modified}) and {@code 304} answers to conditional requests (§13.2.2: {@code If-None-Match}
 * wins over {@code If-Modified-Since}), a single byte range ({@code 206}, {@code 416},
 * {@code If-Range}), gzip for text types the client accepts, and {@code nosniff}. The files' bytes
 * come from a {@link StaticCache} or are read for the request. Thread-safe; blocks (reads files), so
 * it runs on virtual threads.
 */
final class StaticAnswers {

    /** Smaller bodies are sent as they are: gzip's header and the extra round of work cost more than they save. */
    static final int MIN_GZIP_BYTES = 1024;

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private final StaticCache cache;
    private final long maxFileBytes;

    /**
     * @param cache the files kept in memory
     * @param maxFileBytes the most bytes one answer reads into memory: a whole file, or a range
     */
    StaticAnswers(StaticCache cache, long maxFileBytes) {
        this.cache = cache;
        this.maxFileBytes = maxFileBytes;
    }

    /**
     * The answer to {@code request} for {@code file}: {@code 200}, {@code 206}, {@code 304},
     * {@code 416}, or {@code 500} when the body would be larger than the limit. A HEAD gets the
     * same answer as a GET, whose body the adapter leaves out.
     *
     * @throws IOException if the file cannot be read (it may have been deleted since it was found)
     */
    HttpResponse answer(Request request, StaticFile file) throws IOException {
        StaticFile.Stat stat = file.stat();
        StaticCache.Version version = cache.get(file.location(), stat);
        if (version == null && cache.keeps(stat.size())) {
            byte[] bytes = file.read(0, (int) stat.size());
            version = new StaticCache.Version(file.location(), stat, contentTag(bytes), bytes, null);
            if (bytes.length == stat.size()) { // else it changed while read: served, not kept
                cache.put(version);
            }
        }
        long size = version != null ? version.bytes().length : stat.size();
        String etag = version != null ? version.etag() : "\"" + stat.stamp() + "\"";
        String gzipTag = etag.substring(0, etag.length() - 1) + "-gz\"";
        // Only files the cache keeps are gzipped, once per version: gzip costs about 100 ms of CPU per
        // MiB of text on a small server, too much to spend again on every request for a large file.
        boolean varies = version != null && MediaTypes.compressible(file.contentType()) && size >= MIN_GZIP_BYTES;

        HttpResponse.Headers headers = new HttpResponse.Headers()
                .set("Content-Type", file.contentType())
                .set("Cache-Control", file.cacheControl())
                .set("X-Content-Type-Options", "nosniff")
                .set("Last-Modified", HTTP_DATE.format(Instant.ofEpochMilli(stat.lastModified())))
                .set("Accept-Ranges", "bytes");
        if (varies) {
            headers.set("Vary", "Accept-Encoding");
        }

        String notModifiedTag = notModified(request, etag, gzipTag, stat.lastModified());
        if (notModifiedTag != null) {
            headers.set("ETag", notModifiedTag);
            return new HttpResponse(304, null, headers, new byte[0]);
        }

        ByteRange range = request.method().equals("GET") ? ByteRange.parse(request.header("Range"), size) : null;
        if (range != null && !ifRangeHolds(request.header("If-Range"), etag, stat.lastModified())) {
            range = null;
        }
        if (range == ByteRange.UNSATISFIABLE) {
            HttpResponse refused = HttpResponse.text(416, "range not satisfiable");
            refused.headers().set("Content-Range", "bytes */" + size).set("Accept-Ranges", "bytes");
            return refused;
        }
        if (range != null) {
            if (range.length() > maxFileBytes) {
                return tooLarge();
            }
            byte[] part = version != null
                    ? Arrays.copyOfRange(version.bytes(), (int) range.first(), (int) range.last() + 1)
                    : file.read(range.first(), (int) range.length());
            if (part.length != range.length()) {
                throw new IOException("the file changed while it was read");
            }
            headers.set("ETag", etag).set("Content-Range", range.contentRange(size));
            return new HttpResponse(206, null, headers, part);
        }

        if (size > maxFileBytes) {
            return tooLarge();
        }
        byte[] whole = version != null ? version.bytes() : file.read(0, (int) size);
        if (varies && acceptsGzip(request.header("Accept-Encoding"))) {
            byte[] gzipped = version.gzip();
            if (gzipped == null) {
                gzipped = gzip(whole);
                if (version.bytes().length == version.stat().size()) {
                    cache.put(version.withGzip(gzipped));
                }
            }
            if (gzipped.length > 0) {
                headers.set("ETag", gzipTag).set("Content-Encoding", "gzip");
                return new HttpResponse(200, null, headers, gzipped);
            }
        }
        headers.set("ETag", etag);
        return new HttpResponse(200, null, headers, whole);
    }

    /**
     * The ETag of a {@code 304} when the request's validators match (RFC 9110 §13.2.2), else
     * {@code null}. {@code If-None-Match} compares weakly, against both representations;
     * {@code If-Modified-Since} counts only without it.
     */
    private static String notModified(Request request, String etag, String gzipTag, long lastModified) {
        String ifNoneMatch = request.header("If-None-Match");
        if (ifNoneMatch != null) {
            for (String tag : ifNoneMatch.split(",")) {
                String t = tag.strip();
                if (t.equals("*")) {
                    return etag;
                }
                if (t.startsWith("W/")) {
                    t = t.substring(2);
                }
                if (t.equals(etag) || t.equals(gzipTag)) {
                    return t;
                }
            }
            return null;
        }
        long since = httpDate(request.header("If-Modified-Since"));
        return since >= 0 && lastModified / 1000 <= since ? etag : null;
    }

    /**
     * Whether a range may be served under {@code If-Range} (RFC 9110 §13.1.5): absent, the current
     * strong ETag of the unencoded file, or exactly its {@code Last-Modified} date.
     */
    private static boolean ifRangeHolds(String ifRange, String etag, long lastModified) {
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.strip();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return value.equals(etag);
        }
        long date = httpDate(value);
        return date >= 0 && date == lastModified / 1000;
    }

    /**
     * Whether {@code Accept-Encoding} accepts gzip (RFC 9110 §12.5.3): named with a non-zero
     * {@code q}, or, unnamed, under a non-zero {@code *}.
     */
    static boolean acceptsGzip(String acceptEncoding) {
        return "gzip".equals(AcceptEncoding.choose(acceptEncoding, List.of("gzip")));
    }

    /** An HTTP date in seconds since the epoch, or {@code -1} if absent or not an IMF-fixdate. */
    private static long httpDate(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toEpochSecond();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    /** A strong ETag from the content: 96 bits of its SHA-256, the same on every node of a cluster. */
    private static String contentTag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 12)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }

    /** {@code bytes} gzipped, or an empty array when that is not smaller. */
    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.size() < bytes.length ? out.toByteArray() : new byte[0];
    }

    private static HttpResponse tooLarge() {
        return HttpResponse.text(500, "this file is too large for this server to send");
    }
}
