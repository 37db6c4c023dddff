package dev.pagewire.internal;

import dev.pagewire.spi.CloseCodes;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * What the protocol counts as it runs, for metrics (docs/OPERATIONS.md): plain {@link LongAdder}s
 * in arrays indexed by a tag's value, so that counting an event costs one uncontended add and never
 * a lookup, an allocation or a Micrometer class. Every application has one, whether or not anyone
 * reads it; {@code dev.pagewire.metrics.PagewireMetrics} exposes it as Micrometer meters. What is a
 * state rather than a count (pages live, connections open, queue depth) is read from the pages when
 * asked, never kept here. Thread-safe.
 */
public final class Counts {

    /** The transports, as {@code transport} tags: the index is the array slot. */
    public static final String[] TRANSPORTS = {"websocket", "sse", "longpolling", "other"};

    public static final int WEBSOCKET = 0;
    public static final int SSE = 1;
    public static final int LONG_POLLING = 2;
    private static final int OTHER_TRANSPORT = 3;

    /** Why a page's connection is a fallback ({@code reason} tag of {@code pagewire.fallbacks}). */
    public static final String[] FALLBACK_REASONS = {"first_connection", "websocket_lost", "sse_lost"};

    static final int FIRST_CONNECTION = 0;
    static final int WEBSOCKET_LOST = 1;
    static final int SSE_LOST = 2;

    /** The close codes counted one by one; any other counts as {@code other}. */
    public static final int[] CLOSE_CODES = {
        CloseCodes.NORMAL,
        CloseCodes.GOING_AWAY,
        CloseCodes.PROTOCOL_ERROR,
        CloseCodes.INVALID_PAYLOAD,
        CloseCodes.MESSAGE_TOO_BIG,
        CloseCodes.PAGE_CLOSED,
        CloseCodes.BAD_FRAME,
        CloseCodes.BAD_TOKEN,
        CloseCodes.PAGE_GONE,
        CloseCodes.IDLE_TIMEOUT,
        CloseCodes.REPLACED,
        CloseCodes.TOO_MANY_EVENTS,
        CloseCodes.SLOW_CONSUMER
    };

    /** Call failure codes ({@code code} tag); a code an application chose counts as {@code application}. */
    public static final String[] CALL_FAILURES = {"timeout", "closed", "unknown_call", "handler_error", "application"};

    /** Outcomes of endpoint opens ({@code result} tag). */
    public static final String[] OPEN_RESULTS = {"opened", "refused", "failed"};

    public static final int OPENED = 0;
    public static final int REFUSED = 1;
    public static final int FAILED = 2;

    /** Why a request was refused before its route ran ({@code reason} tag). */
    public static final String[] REFUSALS = {"origin", "rate"};

    public static final int ORIGIN = 0;
    public static final int RATE = 1;

    /** Directions ({@code direction} tag): what the server received, and what it sent. */
    public static final String[] DIRECTIONS = {"inbound", "outbound"};

    public static final int INBOUND = 0;
    public static final int OUTBOUND = 1;

    /** Kinds of page ({@code kind} tag): a rendered page (or a view's), or an endpoint connection's. */
    public static final String[] PAGE_KINDS = {"page", "endpoint"};

    final LongAdder[] pagesCreated = adders(PAGE_KINDS.length);
    final LongAdder pagesExpired = new LongAdder();
    final LongAdder[] connectionsOpened = adders(TRANSPORTS.length);
    /** By transport (sse, longpolling) and reason: {@code transport * 3 + reason}. */
    final LongAdder[] fallbacks = adders(2 * FALLBACK_REASONS.length);
    /** By the fallback left (sse, longpolling). */
    final LongAdder[] upgrades = adders(2);

    final LongAdder resumes = new LongAdder();
    final LongAdder framesReplayed = new LongAdder();
    final LongAdder framesMissed = new LongAdder();
    /** By {@link #CLOSE_CODES} index, the last slot for any other code. */
    final LongAdder[] closes = adders(CLOSE_CODES.length + 1);

    final LongAdder[] events = adders(2);
    final LongAdder[] bytes = adders(2);
    final LongAdder[] calls = adders(2);
    /** By direction and code: {@code direction * 5 + code}. */
    final LongAdder[] callFailures = adders(2 * CALL_FAILURES.length);

    final LongAdder[] endpointOpens = adders(OPEN_RESULTS.length);
    final LongAdder[] refusals = adders(REFUSALS.length);

    final LongAdder relayForwards = new LongAdder();
    final LongAdder[] relayMessages = adders(2);
    final LongAdder[] relayBytes = adders(2);

    /** Takes each handler's run time in nanoseconds; {@code null} while no registry is bound. */
    private volatile LongConsumer handlerTime;

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** The {@link #TRANSPORTS} index of a transport's name. */
    static int transport(String name) {
        return switch (name) {
            case "websocket" -> WEBSOCKET;
            case "sse" -> SSE;
            case "longpolling" -> LONG_POLLING;
            default -> OTHER_TRANSPORT;
        };
    }

    /** The {@link #closes} slot of a close code. */
    static int closeSlot(int code) {
        for (int i = 0; i < CLOSE_CODES.length; i++) {
            if (CLOSE_CODES[i] == code) {
                return i;
            }
        }
        return CLOSE_CODES.length;
    }

    /** The {@link #CALL_FAILURES} index of a failure code. */
    static int callFailure(String code) {
        return switch (code) {
            case "timeout" -> 0;
            case "closed" -> 1;
            case "unknown_call" -> 2;
            case "handler_error" -> 3;
            default -> 4;
        };
    }

    // ---- counting (the protocol's threads)

    /** The last closes, with their reasons, for the dashboard. */
    final CloseLog closeLog = new CloseLog();

    /** A connection closed or refused by the server with {@code code}, for {@code reason}, at {@code path}. */
    void closed(int code, String reason, String path) {
        closes[closeSlot(code)].increment();
        closeLog.add(code, reason, path);
    }

    void callFailed(int direction, String code) {
        callFailures[direction * CALL_FAILURES.length + callFailure(code)].increment();
    }

    /** A request refused before its route ran: {@link #ORIGIN} or {@link #RATE}. */
    public void refused(int reason) {
        refusals[reason].increment();
    }

    /** An endpoint open over HTTP or on a page's connection ended: {@link #OPENED}, {@link #REFUSED}, {@link #FAILED}. */
    public void endpointOpen(int result) {
        endpointOpens[result].increment();
    }

    /** A request for a page that another node owns was passed on to that node. */
    public void relayForwarded() {
        relayForwards.increment();
    }

    /** A relay message of {@code size} bytes left for, or came from, another node. */
    public void relayMessage(int direction, int size) {
        relayMessages[direction].increment();
        relayBytes[direction].add(size);
    }

    /** The current handler-time sink, or {@code null}: read once per handler run. */
    LongConsumer handlerTime() {
        return handlerTime;
    }

    // ---- reading (any thread; values only grow)

    /** Adds a sink for handler run times in nanoseconds, as {@code PagewireMetrics} binds a timer. */
    public synchronized void addHandlerTime(LongConsumer sink) {
        LongConsumer current = handlerTime;
        handlerTime = current == null ? sink : current.andThen(sink);
    }

    public long pagesCreated(int kind) {
        return pagesCreated[kind].sum();
    }

    public long pagesExpired() {
        return pagesExpired.sum();
    }

    public long connectionsOpened(int transport) {
        return connectionsOpened[transport].sum();
    }

    /** Fallbacks to {@code transport} ({@link #SSE} or {@link #LONG_POLLING}) for {@code reason}. */
    public long fallbacks(int transport, int reason) {
        return fallbacks[(transport - SSE) * FALLBACK_REASONS.length + reason].sum();
    }

    /** Upgrades to WebSocket from {@code transport} ({@link #SSE} or {@link #LONG_POLLING}). */
    public long upgrades(int transport) {
        return upgrades[transport - SSE].sum();
    }

    /** {@return the last closes and refusals, oldest first} */
    public java.util.List<CloseLog.Close> recentCloses() {
        return closeLog.recent();
    }

    public long resumes() {
        return resumes.sum();
    }

    public long framesReplayed() {
        return framesReplayed.sum();
    }

    public long framesMissed() {
        return framesMissed.sum();
    }

    /** Closes with {@link #CLOSE_CODES}{@code [slot]}, or any other code at slot {@code CLOSE_CODES.length}. */
    public long closes(int slot) {
        return closes[slot].sum();
    }

    public long events(int direction) {
        return events[direction].sum();
    }

    public long bytes(int direction) {
        return bytes[direction].sum();
    }

    public long calls(int direction) {
        return calls[direction].sum();
    }

    public long callFailures(int direction, int code) {
        return callFailures[direction * CALL_FAILURES.length + code].sum();
    }

    public long endpointOpens(int result) {
        return endpointOpens[result].sum();
    }

    public long refusals(int reason) {
        return refusals[reason].sum();
    }

    public long relayForwards() {
        return relayForwards.sum();
    }

    public long relayMessages(int direction) {
        return relayMessages[direction].sum();
    }

    public long relayBytes(int direction) {
        return relayBytes[direction].sum();
    }
}
