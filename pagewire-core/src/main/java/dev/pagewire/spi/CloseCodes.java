package dev.pagewire.spi;

/**
 * The close codes of the Pagewire protocol (docs/PROTOCOL.md §5). Codes below 4000 are RFC 6455's.
 */
public final class CloseCodes {

    /** Normal closure. */
    public static final int NORMAL = 1000;
    /** The server is shutting down. */
    public static final int GOING_AWAY = 1001;
    /** WebSocket protocol error. */
    public static final int PROTOCOL_ERROR = 1002;
    /** Invalid UTF-8 in a text message, or compressed data that does not inflate. */
    public static final int INVALID_PAYLOAD = 1007;
    /** A message over {@code maxMessageBytes} (a compressed one: once inflated). */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The server closed the page. */
    public static final int PAGE_CLOSED = 4000;
    /** A frame that is not a protocol frame. */
    public static final int BAD_FRAME = 4400;
    /** Token missing, malformed, forged, for another path or expired before first use. */
    public static final int BAD_TOKEN = 4401;
    /** The page does not exist (any more). */
    public static final int PAGE_GONE = 4404;
    /** Nothing received within {@code idleTimeout}. */
    public static final int IDLE_TIMEOUT = 4408;
    /** Replaced by a newer connection of the same page. */
    public static final int REPLACED = 4409;
    /** Too many events queued for the page's handlers. */
    public static final int TOO_MANY_EVENTS = 4429;
    /** Slow consumer: more than {@code maxOutboundBytes} waiting to be sent. */
    public static final int SLOW_CONSUMER = 4503;

    private CloseCodes() {}
}
