package dev.pagewire.bench;

import java.util.List;

/** The servers compared: Pagewire, and the peers users would pick instead. */
enum Peer {
    PAGEWIRE("Pagewire", "pagewire"),
    SOCKETIO("Socket.IO", "socketio"),
    RAW_NETTY("raw Netty", "raw");

    private final String title;
    private final String flag;

    Peer(String title, String flag) {
        this.title = title;
        this.flag = flag;
    }

    /** The name in the report. */
    String title() {
        return title;
    }

    /** The name on the command line ({@code --peers pagewire,socketio,raw}). */
    String flag() {
        return flag;
    }

    /** The peers named by {@code --peers}. */
    static List<Peer> parse(String list) {
        return java.util.Arrays.stream(list.split(","))
                .map(String::strip)
                .map(name -> java.util.Arrays.stream(values()).filter(p -> p.flag.equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(
                                "unknown peer '" + name + "': pagewire, socketio or raw")))
                .toList();
    }
}
