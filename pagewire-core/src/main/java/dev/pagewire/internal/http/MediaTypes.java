package dev.pagewire.internal.http;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code Content-Type} of a file by its extension, and whether that type is worth compressing.
 * Text types say {@code charset=utf-8}: static files are expected in UTF-8, and a browser guessing
 * another charset garbles them. Unknown extensions are {@code application/octet-stream}, which a
 * browser downloads rather than renders (with {@code nosniff}, it never guesses HTML). Stateless.
 */
final class MediaTypes {

    private static final String UTF8 = "; charset=utf-8";

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html" + UTF8),
            Map.entry("htm", "text/html" + UTF8),
            Map.entry("css", "text/css" + UTF8),
            Map.entry("js", "text/javascript" + UTF8),
            Map.entry("mjs", "text/javascript" + UTF8),
            Map.entry("cjs", "text/javascript" + UTF8),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("ts", "text/plain" + UTF8),
            Map.entry("txt", "text/plain" + UTF8),
            Map.entry("md", "text/markdown" + UTF8),
            Map.entry("csv", "text/csv" + UTF8),
            Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("wav", "audio/wav"));

    /** Types outside {@code text/*} that are text, and so compress well. */
    private static final Set<String> TEXT_LIKE = Set.of(
            "application/json",
            "application/manifest+json",
            "application/xml",
            "image/svg+xml",
            "application/wasm", // binary, but compresses to about a third
            "image/x-icon", // uncompressed bitmaps, usually
            "font/ttf",
            "font/otf");

    private MediaTypes() {}

    /** The type of a file named {@code name} (a path or a file name), by its extension. */
    static String of(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.lastIndexOf('.');
        String ext = dot <= slash ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    /**
     * Whether a body of this type is worth gzipping: text, and the few binary formats that are not
     * compressed already (images, fonts of the woff family, media and archives are).
     */
    static boolean compressible(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return type.startsWith("text/") || TEXT_LIKE.contains(type);
    }
}
