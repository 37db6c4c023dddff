package dev.pagewire.bench.load;

/** The protocols and transports the load generator speaks, by the names the orchestrator uses. */
final class Protocols {

    private Protocols() {}

    /** The dialer for {@code name}. */
    static Dialer dialer(String name, Entries entries, AckSweeper acks) {
        return switch (name) {
            case "pagewire-ws" -> new PagewireWebSocket(entries, acks);
            case "pagewire-sse" -> new PagewireHttp(entries, acks, PagewireHttp.Mode.SSE);
            case "pagewire-lp" -> new PagewireHttp(entries, acks, PagewireHttp.Mode.LONG_POLLING);
            case "socketio-ws" -> new SocketIoWebSocket(entries);
            case "socketio-polling" -> new SocketIoPolling(entries);
            case "raw-ws" -> new RawWebSocket(entries);
            default ->
                throw new IllegalArgumentException("unknown protocol '" + name
                        + "': pagewire-ws, pagewire-sse, pagewire-lp, socketio-ws, socketio-polling or raw-ws");
        };
    }
}
