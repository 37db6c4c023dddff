package dev.pagewire.redis.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Logs that something keeps failing once per outage rather than once per message: a warning at the
 * first failure, a note when it works again. Thread-safe; never blocks.
 */
final class Outage {

    private final Logger log;
    private final String failing;
    private final String working;
    private final AtomicBoolean failed = new AtomicBoolean();

    /**
     * @param failing logged at the first failure, followed by its cause, e.g. {@code "messages to
     *     other nodes are dropped until Redis answers again"}
     * @param working logged when it works again, e.g. {@code "messages to other nodes go through
     *     again"}
     */
    Outage(Logger log, String failing, String working) {
        this.log = log;
        this.failing = failing;
        this.working = working;
    }

    /** One attempt failed. */
    void failed(Throwable cause) {
        if (failed.compareAndSet(false, true)) {
            log.warn("{}: {}", failing, cause.toString());
        }
    }

    /** One attempt worked. */
    void succeeded() {
        if (failed.get() && failed.compareAndSet(true, false)) {
            log.info(working);
        }
    }
}
