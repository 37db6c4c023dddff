package dev.pagewire.servlet;

/**
 * The Servlet adapter's own limits; the application's limits are in {@link dev.pagewire.Settings}.
 * Immutable.
 *
 * @param maxRequestBytes the largest body of a Pagewire request (a fallback POST, an endpoint open);
 *     larger ones are answered {@code 413} without being read further. Default 1 MiB. The
 *     application's other requests are the container's business.
 */
public record ServletSettings(int maxRequestBytes) {

    /**
     * Checks the limit.
     *
     * @throws IllegalArgumentException if {@code maxRequestBytes} is not positive
     */
    public ServletSettings {
        if (maxRequestBytes <= 0) {
            throw new IllegalArgumentException("maxRequestBytes must be positive, got " + maxRequestBytes);
        }
    }

    /** {@return the defaults: Pagewire request bodies of up to 1 MiB} */
    public static ServletSettings defaults() {
        return new ServletSettings(1024 * 1024);
    }
}
