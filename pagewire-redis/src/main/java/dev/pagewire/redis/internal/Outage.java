package dev.pagewire.redis.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Logs that something keeps failing once per outage rather than once per message: a warning at the
 * first failure, a note when it works again. Thread-safe; never blocks.
 */
final class Outage {

    private final Logger log;
    private final String what;
    private final AtomicBoolean failing = new AtomicBoolean();

    /**
     * @param what what fails, phrased to start a sentence, e.g. {@code "messages to other nodes"}
     */
    Outage(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    /** One attempt failed. */
    void failed(Throwable cause) {
        if (failing.compareAndSet(false, true)) {
            log.warn("{} are dropped until Redis answers again: {}", what, cause.toString());
        }
    }

    /** One attempt worked. */
    void succeeded() {
        if (failing.get() && failing.compareAndSet(true, false)) {
            log.info("{} go through again", what);
        }
    }
}
