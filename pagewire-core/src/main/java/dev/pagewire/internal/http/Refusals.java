package dev.pagewire.internal.http;

import dev.pagewire.internal.Attachment;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.LogGate;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per refused channel connection (docs/OPERATIONS.md, "Logs"): the transport, the
 * page's path, the client's address, the reason and close code the client was told, and what to do
 * about it where something can be done. A client can cause refusals as often as it likes, so each
 * close code goes out at INFO at most once a minute and at DEBUG otherwise. Never the token, the
 * query or anything the client sent. Thread-safe.
 */
final class Refusals {

    private static final Logger log = LoggerFactory.getLogger(Refusals.class);
    private static final Duration INTERVAL = Duration.ofMinutes(1);

    private final Map<Integer, LogGate> gates = new ConcurrentHashMap<>();

    /**
     * Logs that a {@code transport} connection to the page at {@code path} from {@code client} (see
     * {@link #client}; null if unknown) was refused.
     */
    void refused(String transport, String path, InetSocketAddress client, Attachment.Refused refusal) {
        boolean loud = gates.computeIfAbsent(refusal.code(), c -> new LogGate(INTERVAL))
                .open();
        if (!loud && !log.isDebugEnabled()) {
            return;
        }
        String line = "refused a " + transport + " connection to the page at " + LogText.clip(path) + " from "
                + (client == null || client.getAddress() == null
                        ? "?"
                        : client.getAddress().getHostAddress()) + ": " + refusal.reason() + " (" + refusal.code() + ")"
                + fix(refusal);
        if (loud) {
            log.info(line);
        } else {
            log.debug(line);
        }
    }

    /**
     * The client's address for a log line, read while the request is current: a Servlet container
     * recycles the request once a WebSocket is open, and refusals of WebSockets come after that.
     */
    static InetSocketAddress client(Request request) {
        try {
            return request.exchange().remoteAddress();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** What the operator can do, or what happens next, for the refusals App and LivePage give. */
    static String fix(Attachment.Refused refusal) {
        String reason = refusal.reason();
        return switch (refusal.code()) {
            case CloseCodes.BAD_TOKEN -> {
                if (reason.startsWith("missing")) {
                    yield "; a client must name its page with ?pagewire=<token> from the page's"
                            + " data-pagewire-token (docs/PROTOCOL.md §1)";
                } else if (reason.contains("expired")) {
                    yield "; the page was rendered longer ago than Settings.tokenTtl and never connected"
                            + " (a tab restored from a long sleep, a cached page): the page reloads";
                }
                yield "; signed with another secret: this server restarted without a fixed Settings.secret,"
                        + " or the nodes behind one balancer do not share one (give them the same secret or a"
                        + " backplane, docs/CLUSTER.md); the page reloads";
            }
            case CloseCodes.PAGE_GONE ->
                "; the page was closed (its grace period, Settings.closeGracePeriod, ran out"
                        + " while it was away, or its node is gone): the browser renders it anew"
                        + " (reloadOnExpired)";
            case CloseCodes.BAD_FRAME ->
                "; a client that does not follow docs/PROTOCOL.md §10 (the Pagewire clients"
                        + " do): it is told why and reconnects";
            default -> "";
        };
    }
}
