package dev.pagewire.internal.http;

import dev.pagewire.internal.StaticRoot;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
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

    /** A file found: where it is, and its content type. Its bytes are read later, off the I/O thread. */
    record Found(URL url, String contentType) {

        /** The file's bytes. Blocks: call it on a virtual thread. */
        byte[] read() throws IOException {
            try (InputStream in = url.openStream()) {
                return in.readAllBytes();
            }
        }
    }

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

    /**
     * The file at decoded request path {@code path}, or {@code null}. Looks only (a file system stat or
     * a class path lookup), reads nothing.
     */
    static Found find(List<StaticRoot> roots, String path) {
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
            URL url = root.directory() != null
                    ? inDirectory(root.directory(), relative)
                    : onClasspath(root.classpathRoot(), relative);
            if (url != null) {
                return new Found(url, contentType(relative));
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
            if (segment.isEmpty()
                    || segment.equals(".")
                    || segment.equals("..")
                    || segment.contains("\\")
                    || segment.contains(":")
                    || segment.indexOf('\0') >= 0) {
                return null;
            }
        }
        return r;
    }

    private static URL inDirectory(Path directory, String relative) {
        Path file = directory.resolve(relative).normalize();
        if (!file.startsWith(directory) || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return file.toUri().toURL();
        } catch (MalformedURLException e) {
            return null;
        }
    }

    private static URL onClasspath(String root, String relative) {
        String name = root.isEmpty() ? relative : root + "/" + relative;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = StaticFiles.class.getClassLoader();
        }
        URL url = loader.getResource(name);
        if (url == null || url.getPath().endsWith("/")) {
            return null;
        }
        if ("file".equals(url.getProtocol())) {
            try {
                if (!Files.isRegularFile(Path.of(url.toURI()))) {
                    return null; // a directory of an exploded class path, not a file
                }
            } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                return null;
            }
        }
        return url;
    }
}
