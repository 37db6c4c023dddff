package dev.pagewire.internal;

/**
 * A token bucket: {@code perSecond} on average, bursts of twice that. Thread-safe (synchronized: one
 * client's requests rarely contend).
 */
public final class Rate {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    /** A full bucket. */
    public Rate(int perSecond, long nowNanos) {
        this.perNano = perSecond / 1e9;
        this.burst = 2.0 * perSecond;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Takes one token if there is one; {@code false} when the rate is exceeded. */
    public synchronized boolean take(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perNano);
            lastNanos = nowNanos;
        }
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }

    /** Whether the bucket has been full, untouched, since at least {@code idleNanos} before {@code nowNanos}. */
    public synchronized boolean idleSince(long nowNanos, long idleNanos) {
        return nowNanos - lastNanos > idleNanos && tokens + (nowNanos - lastNanos) * perNano >= burst;
    }
}
