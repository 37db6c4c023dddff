package dev.pagewire.netty.internal;

import dev.pagewire.spi.StaticRoot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds static files below the application's static roots. Refuses any path that would leave its
 * root ({@code ..}, encoded separators, absolute segments).
 */
final class StaticFiles {

    /** A file found: its bytes and content type. */
    record Found(byte[] bytes, String contentType) {}

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("ts", "text/plain; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("wasm", "application/wasm"));

    private StaticFiles() {}

    /** The file at decoded request path {@code path}, or {@code null}. */
    static Found find(List<StaticRoot> roots, String path) throws IOException {
        for (StaticRoot root : roots) {
            String prefix = root.urlPrefix();
            String rest;
            if (prefix.isEmpty()) {
                rest = path;
            } else if (path.startsWith(prefix + "/")) {
                rest = path.substring(prefix.length());
            } else {
                continue;
            }
            String relative = safeRelative(rest);
            if (relative == null) {
                return null;
            }
            byte[] bytes = root.directory() != null ? fromDirectory(root.directory(), relative)
                                                    : fromClasspath(root.classpathRoot(), relative);
            if (bytes != null) {
                return new Found(bytes, contentType(relative));
            }
        }
        return null;
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    /** {@code "/a/b.css"} → {@code "a/b.css"}; {@code null} for anything that could escape the root. */
    private static String safeRelative(String rest) {
        String r = rest.startsWith("/") ? rest.substring(1) : rest;
        if (r.isEmpty() || r.endsWith("/")) {
            r = r + "index.html";
        }
        for (String segment : r.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")
                    || segment.contains("\\") || segment.contains(":") || segment.indexOf('\0') >= 0) {
                return null;
            }
        }
        return r;
    }

    private static byte[] fromDirectory(Path directory, String relative) throws IOException {
        Path file = directory.resolve(relative).normalize();
        if (!file.startsWith(directory) || !Files.isRegularFile(file)) {
            return null;
        }
        return Files.readAllBytes(file);
    }

    private static byte[] fromClasspath(String root, String relative) throws IOException {
        String name = root.isEmpty() ? relative : root + "/" + relative;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = StaticFiles.class.getClassLoader();
        }
        var url = loader.getResource(name);
        if (url == null || url.getPath().endsWith("/")) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            // A classpath directory entry cannot be read as a file.
            return null;
        }
    }
}
