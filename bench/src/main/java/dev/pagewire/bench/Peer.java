package dev.pagewire.bench;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The servers compared: Pagewire on its own server, Pagewire in the Servlet containers it supports
 * (what each server costs), and the peers users would pick instead.
 */
enum Peer {
    PAGEWIRE("Pagewire", "pagewire", "PagewireServer"),
    PAGEWIRE_TOMCAT("Pagewire on Tomcat", "pagewire-tomcat", "Tomcat"),
    PAGEWIRE_JETTY("Pagewire on Jetty", "pagewire-jetty", "Jetty"),
    /**
     * Pagewire on its own server with its meters bound ({@code PagewireMetrics} into a Prometheus
     * registry, scraped every 10 s): what counting costs, in echo only.
     */
    PAGEWIRE_METRICS("Pagewire with metrics", "pagewire-metrics", "PagewireServer + metrics"),
    SOCKETIO("Socket.IO", "socketio", null),
    /**
     * Socket.IO with {@code @socket.io/redis-streams-adapter} and connection state recovery: only in
     * the cluster scenario, where {@link #SOCKETIO} has {@code @socket.io/redis-adapter}.
     */
    SOCKETIO_STREAMS("Socket.IO (redis-streams-adapter)", "socketio-streams", null),
    RAW_NETTY("raw Netty", "raw", null);

    private final String title;
    private final String flag;
    private final String server;

    Peer(String title, String flag, String server) {
        this.title = title;
        this.flag = flag;
        this.server = server;
    }

    /** The name in the report. */
    String title() {
        return title;
    }

    /** The name on the command line ({@code --peers pagewire,pagewire-tomcat,…}). */
    String flag() {
        return flag;
    }

    /** Whether this is Pagewire, on any server. */
    boolean isPagewire() {
        return server != null;
    }

    /** Whether this runs on Node (Socket.IO, with either adapter). */
    boolean onNode() {
        return this == SOCKETIO || this == SOCKETIO_STREAMS;
    }

    /** The protocol the load generator speaks to it ({@code load.Protocols}): {@code pagewire}, {@code socketio} or {@code raw}. */
    String protocol() {
        return isPagewire() ? "pagewire" : onNode() ? "socketio" : flag;
    }

    /** Whether this is Pagewire in a Servlet container (measured against {@link #PAGEWIRE}, its own server). */
    boolean inContainer() {
        return this == PAGEWIRE_TOMCAT || this == PAGEWIRE_JETTY;
    }

    /**
     * Whether this is Pagewire in another set-up than its own server as it comes (a container, or
     * with metrics bound), measured against {@link #PAGEWIRE} in each case's table of servers.
     */
    boolean variant() {
        return inContainer() || this == PAGEWIRE_METRICS;
    }

    /** The server Pagewire runs on, as the report's table of servers names it; null for the other peers. */
    String server() {
        return server;
    }

    /** The peers named by {@code --peers}. */
    static List<Peer> parse(String list) {
        return Arrays.stream(list.split(","))
                .map(String::strip)
                .map(name -> Arrays.stream(values())
                        .filter(p -> p.flag.equals(name))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown peer '" + name + "': "
                                + Arrays.stream(values()).map(Peer::flag).collect(Collectors.joining(", ")))))
                .toList();
    }
}
