package dev.pagewire.internal;

import java.nio.file.Path;

/**
 * A folder of static files served under a URL prefix: either a directory or a classpath root.
 *
 * @param urlPrefix the URL prefix, e.g. {@code "/assets"} (never ending in {@code /})
 * @param directory the directory, or {@code null} for a classpath root
 * @param classpathRoot the classpath root, or {@code null} for a directory
 * @param cacheControl the {@code Cache-Control} its files are served with
 */
public record StaticRoot(String urlPrefix, Path directory, String classpathRoot, String cacheControl) {

    /** What files are served with unless their root says otherwise: cache, but ask before each use. */
    public static final String DEFAULT_CACHE_CONTROL = "no-cache";

    /** A root served with {@link #DEFAULT_CACHE_CONTROL}. */
    public StaticRoot(String urlPrefix, Path directory, String classpathRoot) {
        this(urlPrefix, directory, classpathRoot, DEFAULT_CACHE_CONTROL);
    }
}
