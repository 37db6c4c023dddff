package dev.pagewire.internal.http;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The static files read lately, in memory: each file's bytes and its gzipped bytes, for as long as
 * the file stays the same, within {@code maxBytes} in all; the least recently used go first. A file
 * larger than {@link #maxFileBytes} is never kept (read again for each request). Thread-safe.
 */
final class StaticCache {

    /**
     * One version of a file: what it was when read, and its bytes.
     *
     * @param location {@link StaticFile#location()}
     * @param stat what the file was
     * @param etag its strong entity tag, quoted
     * @param bytes its content
     * @param gzip its content gzipped, or {@code null} until asked for; empty when gzip does not
     *     make it smaller
     */
    record Version(String location, StaticFile.Stat stat, String etag, byte[] bytes, byte[] gzip) {

        long memory() {
            return bytes.length + (gzip == null ? 0 : gzip.length);
        }

        Version withGzip(byte[] gzipped) {
            return new Version(location, stat, etag, bytes, gzipped);
        }
    }

    private final long maxBytes;
    private final long maxFileBytes;
    private final LinkedHashMap<String, Version> versions = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    /**
     * @param maxBytes the most bytes kept in all ({@code 0}: nothing is kept)
     * @param maxFileBytes the largest file kept
     */
    StaticCache(long maxBytes, long maxFileBytes) {
        this.maxBytes = maxBytes;
        this.maxFileBytes = Math.min(maxFileBytes, maxBytes);
    }

    /** Whether a file of {@code size} bytes is one this cache keeps. */
    boolean keeps(long size) {
        return size <= maxFileBytes;
    }

    /** The version of {@code location} that is {@code stat}, or {@code null}. */
    synchronized Version get(String location, StaticFile.Stat stat) {
        Version v = versions.get(location);
        return v != null && v.stat().equals(stat) ? v : null;
    }

    /** Keeps {@code version} (replacing what was kept of its file) if it fits; evicts older ones. */
    synchronized void put(Version version) {
        if (version.memory() > maxFileBytes * 2) {
            return; // bytes and gzip within the file limit each, so this only refuses the oversized
        }
        Version old = versions.put(version.location(), version);
        if (old != null) {
            bytes -= old.memory();
        }
        bytes += version.memory();
        Iterator<Map.Entry<String, Version>> eldest = versions.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= eldest.next().getValue().memory();
            eldest.remove();
        }
    }

    /** The bytes kept now (tests). */
    synchronized long bytes() {
        return bytes;
    }
}
