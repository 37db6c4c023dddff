package dev.pagewire.spi;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line through per interval, for lines a client can cause as often as it likes (a
 * refused origin, a failed upgrade): the first in each interval goes out at its level, the others
 * at debug level, so that hostile traffic cannot fill a disk with warnings. Thread-safe.
 *
 * <pre>{@code
 * if (gate.open()) log.warn("refused ...", ...); else log.debug("refused ...", ...);
 * }</pre>
 */
public final class LogGate {

    private final long intervalNanos;
    private final AtomicLong last;

    /**
     * A gate that opens at most once per {@code interval}, and at once the first time.
     *
     * @param interval the shortest time between two lines at their own level
     */
    public LogGate(Duration interval) {
        this.intervalNanos = interval.toNanos();
        this.last = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    /** {@return whether this line may go out at its own level: true at most once per interval} */
    public boolean open() {
        long now = System.nanoTime();
        long previous = last.get();
        return now - previous >= intervalNanos && last.compareAndSet(previous, now);
    }
}
