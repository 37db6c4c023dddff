package dev.pagewire.internal;

import java.util.function.IntSupplier;
import org.slf4j.MDC;
import org.slf4j.helpers.NOPMDCAdapter;

/**
 * What every log line about one page carries in SLF4J's MDC, so that a log backend can print it
 * or filter by it (docs/OPERATIONS.md, "Logs"): {@value #PAGE} (the page id, never its token),
 * {@value #NODE} (this node's number, 0 alone) and, on an endpoint's channel, {@value #ENDPOINT}
 * (its path). Set while the page's handlers run (its {@link Mailbox}) and while it renders, so that
 * the application's own log lines in its handlers carry them as well.
 *
 * <p>Costs nothing when the SLF4J binding has no MDC. Immutable; {@link #enter} and {@link #exit}
 * act on the calling thread.
 */
final class LogContext {

    /** The MDC key of the page id. */
    static final String PAGE = "pagewire.page";
    /** The MDC key of this node's number. */
    static final String NODE = "pagewire.node";
    /** The MDC key of an endpoint channel's path. */
    static final String ENDPOINT = "pagewire.endpoint";

    private static final boolean ON = !(MDC.getMDCAdapter() instanceof NOPMDCAdapter);

    private final String page;
    private final String endpoint;
    private final IntSupplier node;

    /**
     * @param endpoint the endpoint's path on an endpoint's channel, else null
     * @param node this node's number now (it changes if the node is evicted from its cluster)
     */
    LogContext(String page, String endpoint, IntSupplier node) {
        this.page = page;
        this.endpoint = endpoint;
        this.node = node;
    }

    /** Puts this page's keys in the calling thread's MDC. */
    void enter() {
        if (!ON) {
            return;
        }
        MDC.put(PAGE, page);
        MDC.put(NODE, Integer.toString(node.getAsInt()));
        if (endpoint != null) {
            MDC.put(ENDPOINT, endpoint);
        }
    }

    /** Takes them out again. */
    void exit() {
        if (!ON) {
            return;
        }
        MDC.remove(PAGE);
        MDC.remove(NODE);
        if (endpoint != null) {
            MDC.remove(ENDPOINT);
        }
    }
}
