package dev.pagewire.bench.load;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Engine.IO v4 packets carrying Socket.IO v4 packets, as one simulated client reads them whatever
 * its transport: {@code 0{sid…}} open (answered with {@code 40}, connect to the main namespace),
 * {@code 40{…}} connected, {@code 2} ping (answered {@code 3}), {@code 42[name,data]} an event,
 * {@code 1} or {@code 41} closed. Not thread-safe: used on its link's event loop.
 */
final class SocketIoPackets {

    /** Where the packets' meaning goes. */
    interface Peer {
        /** The Engine.IO session opened with this id. */
        void opened(String sid);

        /** The Socket.IO connect was acknowledged: the channel is ready. */
        void connected();

        /** An event from the server. */
        void event(String name, String data);

        /** A packet to send now. */
        void reply(String packet);

        /** The server ended the session. */
        void closed(String reason);
    }

    private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");

    private final Peer peer;

    SocketIoPackets(Peer peer) {
        this.peer = peer;
    }

    /** The packet of an event. */
    static String event(String name, String data) {
        return "42[\"" + name + "\",\"" + data + "\"]";
    }

    void read(String packet) {
        if (packet.isEmpty()) {
            return;
        }
        switch (packet.charAt(0)) {
            case '0' -> {
                Matcher m = SID.matcher(packet);
                if (!m.find()) {
                    throw new IllegalStateException("Engine.IO open without sid: " + JsonArrays.abbreviate(packet));
                }
                peer.opened(m.group(1));
            }
            case '1' -> peer.closed("Engine.IO close");
            case '2' -> peer.reply("3");
            case '4' -> message(packet);
            default -> {
                // 3 pong, 6 noop: nothing to do
            }
        }
    }

    private void message(String packet) {
        char type = packet.length() > 1 ? packet.charAt(1) : ' ';
        switch (type) {
            case '0' -> peer.connected();
            case '1' -> peer.closed("Socket.IO disconnect");
            case '2' -> {
                List<String> e = JsonArrays.elements(packet, packet.indexOf('['));
                peer.event(JsonArrays.unquote(e.get(0)), e.size() > 1 ? JsonArrays.unquote(e.get(1)) : "");
            }
            case '4' -> throw new IllegalStateException("Socket.IO connect error: " + JsonArrays.abbreviate(packet));
            default -> throw new IllegalStateException("unexpected Socket.IO packet: " + JsonArrays.abbreviate(packet));
        }
    }
}
