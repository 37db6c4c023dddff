package dev.pagewire.bench.load;

/** The protocols and transports the load generator speaks, by the names the orchestrator uses. */
final class Protocols {

    private Protocols() {}

    /** The dialer for {@code name}. */
    static Dialer dialer(String name, Wire wire, AckSweeper acks) {
        return switch (name) {
            case "pagewire-ws" -> new PagewireWebSocket(wire, acks);
            case "pagewire-sse" -> new PagewireHttp(wire, acks, PagewireHttp.Mode.SSE);
            case "pagewire-lp" -> new PagewireHttp(wire, acks, PagewireHttp.Mode.LONG_POLLING);
            case "socketio-ws" -> new SocketIoWebSocket(wire);
            case "socketio-polling" -> new SocketIoPolling(wire);
            case "raw-ws" -> new RawWebSocket(wire);
            default ->
                throw new IllegalArgumentException("unknown protocol '" + name
                        + "': pagewire-ws, pagewire-sse, pagewire-lp, socketio-ws, socketio-polling or raw-ws");
        };
    }
}
