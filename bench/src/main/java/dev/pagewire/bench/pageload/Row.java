package dev.pagewire.bench.pageload;

/**
 * One row of the page-load table: the network between Chromium and the server (loopback, or
 * loopback with Chromium's emulated latency) and the state of the browser's cache.
 */
public enum Row {
    LOOPBACK_COLD("loopback_cold", "loopback, cold cache", 0, false),
    LOOPBACK_WARM("loopback_warm", "loopback, warm cache", 0, true),
    RTT100_COLD("rtt100_cold", "+100 ms per request, cold cache", 100, false),
    RTT100_WARM("rtt100_warm", "+100 ms per request, warm cache", 100, true);

    private final String key;
    private final String title;
    private final int latencyMs;
    private final boolean warm;

    Row(String key, String title, int latencyMs, boolean warm) {
        this.key = key;
        this.title = title;
        this.latencyMs = latencyMs;
        this.warm = warm;
    }

    /** The prefix of this row's figures in the run log, e.g. {@code rtt100_cold_ttc_p50_ms}. */
    public String key() {
        return key;
    }

    /** The row's name in the report. */
    public String title() {
        return title;
    }

    /**
     * The latency given to {@code Network.emulateNetworkConditions}: Chromium holds each request's
     * response back until this long after the request was sent; 0 for none.
     */
    public int latencyMs() {
        return latencyMs;
    }

    /**
     * Whether the measured view is the second navigation of a browser profile, after a first view
     * of the same page (the cache holds what that view kept); else the first of a fresh profile.
     */
    public boolean warm() {
        return warm;
    }
}
