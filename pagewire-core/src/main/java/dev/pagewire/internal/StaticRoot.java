package dev.pagewire.internal;

import java.nio.file.Path;

/**
 * A folder of static files served under a URL prefix: either a directory or a classpath root.
 *
 * @param urlPrefix the URL prefix, e.g. {@code "/assets"} (never ending in {@code /})
 * @param directory the directory, or {@code null} for a classpath root
 * @param classpathRoot the classpath root, or {@code null} for a directory
 */
public record StaticRoot(String urlPrefix, Path directory, String classpathRoot) {}
