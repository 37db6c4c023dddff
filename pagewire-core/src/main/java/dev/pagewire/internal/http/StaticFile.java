package dev.pagewire.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;

/**
 * A static file that {@link StaticFiles#find} found: a file of a directory, or a class path resource
 * inside a jar. Looking it up read nothing; {@link #stat} and {@link #read} block on the file system,
 * so they run on virtual threads. Immutable.
 *
 * @param file the file, or {@code null} for a resource in a jar
 * @param resource the jar resource, or {@code null} for a file
 * @param contentType its {@code Content-Type}
 * @param cacheControl the {@code Cache-Control} of its root
 */
record StaticFile(Path file, URL resource, String contentType, String cacheControl) {

    /** What a jar resource's {@code Last-Modified} is when its entry has no time: when this process started. */
    private static final long PROCESS_START =
            ProcessHandle.current().info().startInstant().orElse(Instant.now()).toEpochMilli();

    /**
     * What a file is now.
     *
     * @param size its size in bytes
     * @param lastModified its modification time in epoch milliseconds
     * @param stamp changes whenever the file's content may have changed (size and time to the
     *     nanosecond; a jar entry's CRC)
     */
    record Stat(long size, long lastModified, String stamp) {}

    /** Where the file is: a key that tells it apart from every other static file. */
    String location() {
        return file != null ? file.toString() : resource.toString();
    }

    /**
     * Reads its size and time.
     *
     * @throws NoSuchFileException if it is gone (deleted since it was found)
     */
    Stat stat() throws IOException {
        if (file != null) {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                throw new NoSuchFileException(file.toString());
            }
            long nanos = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
            return new Stat(
                    a.size(),
                    a.lastModifiedTime().toMillis(),
                    Long.toHexString(a.size()) + "-" + Long.toHexString(nanos));
        }
        URLConnection connection = resource.openConnection();
        if (connection instanceof JarURLConnection jar) {
            JarEntry entry = jar.getJarEntry();
            long time = entry.getTime() > 0 ? entry.getTime() : PROCESS_START;
            return new Stat(
                    entry.getSize(), time, Long.toHexString(entry.getSize()) + "-" + Long.toHexString(entry.getCrc()));
        }
        // Another kind of class path (a custom class loader): its size as it says, read as a whole.
        long size = connection.getContentLengthLong();
        if (size < 0) {
            try (InputStream in = connection.getInputStream()) {
                size = in.transferTo(OutputStream.nullOutputStream());
            }
        }
        long time = connection.getLastModified() > 0 ? connection.getLastModified() : PROCESS_START;
        return new Stat(size, time, Long.toHexString(size) + "-" + Long.toHexString(time));
    }

    /**
     * Reads {@code length} bytes from {@code offset}: fewer when the file shrank meanwhile (the caller
     * compares).
     */
    byte[] read(long offset, int length) throws IOException {
        if (file != null) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.allocate(length);
                long at = offset;
                while (buffer.hasRemaining()) {
                    int n = channel.read(buffer, at);
                    if (n < 0) {
                        break;
                    }
                    at += n;
                }
                return buffer.hasRemaining() ? Arrays.copyOf(buffer.array(), buffer.position()) : buffer.array();
            }
        }
        try (InputStream in = resource.openStream()) {
            in.skipNBytes(offset);
            return in.readNBytes(length);
        }
    }
}
