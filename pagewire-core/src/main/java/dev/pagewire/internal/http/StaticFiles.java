package dev.pagewire.internal.http;

import dev.pagewire.internal.StaticRoot;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds static files below the application's static roots. Refuses any path that would leave its
 * root: a {@code ..} or {@code .} segment (however it was percent-encoded: the path arrives decoded
 * once, so {@code %2e%2e} is {@code ..} and {@code %252e%252e} is a harmless name), an empty segment
 * ({@code //}, an absolute path), a backslash, a colon (a drive letter), a NUL byte, and a symbolic
 * link whose target is outside its directory. Stateless.
 */
final class StaticFiles {

    private StaticFiles() {}

    /**
     * The file at decoded request path {@code path}, or {@code null}. Looks only (a file system stat or
     * a class path lookup), reads nothing.
     */
    static StaticFile find(List<StaticRoot> roots, String path) {
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
            StaticFile found = root.directory() != null
                    ? inDirectory(root.directory(), relative, root.cacheControl())
                    : onClasspath(root.classpathRoot(), relative, root.cacheControl());
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** The content type of a file name; also that of the client's files. */
    static String contentType(String name) {
        return MediaTypes.of(name);
    }

    /** {@code "/a/b.css"} → {@code "a/b.css"}; {@code null} for anything that could escape the root. */
    static String safeRelative(String rest) {
        String r = rest.startsWith("/") ? rest.substring(1) : rest;
        if (r.isEmpty() || r.endsWith("/")) {
            r = r + "index.html";
        }
        for (String segment : r.split("/", -1)) {
            if (segment.isEmpty()
                    || segment.equals(".")
                    || segment.equals("..")
                    || segment.indexOf('\\') >= 0
                    || segment.indexOf(':') >= 0
                    || segment.indexOf('\0') >= 0) {
                return null;
            }
        }
        return r;
    }

    private static StaticFile inDirectory(Path directory, String relative, String cacheControl) {
        try {
            Path file = directory.resolve(relative).normalize();
            if (!file.startsWith(directory) || !Files.isRegularFile(file)) {
                return null;
            }
            // A symbolic link may point anywhere: what counts is where the file really is. The root's
            // own real path is looked up each time, as a deployment may switch a link to a release.
            Path real = file.toRealPath();
            if (!real.startsWith(directory.toRealPath())) {
                return null;
            }
            return new StaticFile(real, null, MediaTypes.of(relative), cacheControl);
        } catch (IOException | InvalidPathException e) {
            return null;
        }
    }

    private static StaticFile onClasspath(String root, String relative, String cacheControl) {
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
            // An exploded class path (a build's output directory): a file, seen fresh when it changes.
            try {
                Path file = Path.of(url.toURI());
                return Files.isRegularFile(file)
                        ? new StaticFile(file, null, MediaTypes.of(relative), cacheControl)
                        : null; // a directory, not a file
            } catch (URISyntaxException | IllegalArgumentException e) {
                return null;
            }
        }
        return new StaticFile(null, url, MediaTypes.of(relative), cacheControl);
    }
}
