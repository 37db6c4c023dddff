package dev.pagewire.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The cases a bench run measures, from its options, and what had to be left out on this machine
 * (sizes over the open-files limit), to be said in the report.
 *
 * @param cases in the order they run within each repetition
 * @param notes sentences for the report about what was left out and why
 */
record Plan(List<Case> cases, List<String> notes) {

    /** File descriptors a process keeps for itself besides the connections (JVM jars, pipes, epoll). */
    static final int SPARE_FILES = 1000;

    static Plan of(BenchOptions o, long openFilesLimit) {
        List<Case> cases = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Scenario s : o.scenarios()) {
            switch (s) {
                case IDLE -> {
                    long fits = openFilesLimit - SPARE_FILES;
                    boolean cut = false;
                    for (int n : o.idleSizes()) {
                        if (n <= fits) {
                            cases.add(new Case(s, n, n + " idle pages", webSocket(o)));
                        } else {
                            cut = true;
                            notes.add(n + " idle connections were not run: the open-files limit of a process here is "
                                    + openFilesLimit + " (`ulimit -n`; the hard limit, which only a process with"
                                    + " CAP_SYS_RESOURCE may raise), and every connection is a file in the server.");
                        }
                    }
                    int largest = (int) (fits / 1000 * 1000);
                    if (cut && largest > 0 && cases.stream().noneMatch(c -> c.scenario() == s && c.size() == largest)) {
                        cases.add(new Case(s, largest, largest + " idle pages (the most this limit allows)", webSocket(o)));
                    }
                }
                case ECHO -> cases.add(new Case(s, o.echoClients(), o.echoClients() + " echo clients", webSocket(o)));
                case FANOUT -> cases.add(new Case(s, o.fanoutMembers(), o.fanoutMembers() + " pages in the topic",
                        webSocket(o)));
                case FALLBACK -> cases.add(new Case(s, o.fallbackClients(),
                        o.fallbackClients() + " echo clients over HTTP", fallbacks(o)));
                case CHURN -> cases.add(new Case(s, o.churnOpeners(), o.churnOpeners() + " concurrent page openers",
                        webSocket(o)));
            }
        }
        return new Plan(List.copyOf(cases), List.copyOf(notes));
    }

    private static List<Subject> webSocket(BenchOptions o) {
        List<Subject> subjects = new ArrayList<>();
        for (Peer p : o.peers()) {
            subjects.add(switch (p) {
                case PAGEWIRE -> new Subject(p, "pagewire-ws", "Pagewire");
                case SOCKETIO -> new Subject(p, "socketio-ws", "Socket.IO");
                case RAW_NETTY -> new Subject(p, "raw-ws", "raw Netty");
            });
        }
        return subjects;
    }

    /** Raw Netty has no HTTP fallback: the fallback case compares Pagewire with Socket.IO's polling. */
    private static List<Subject> fallbacks(BenchOptions o) {
        List<Subject> subjects = new ArrayList<>();
        if (o.peers().contains(Peer.PAGEWIRE)) {
            subjects.add(new Subject(Peer.PAGEWIRE, "pagewire-sse", "Pagewire SSE"));
            subjects.add(new Subject(Peer.PAGEWIRE, "pagewire-lp", "Pagewire long-polling"));
        }
        if (o.peers().contains(Peer.SOCKETIO)) {
            subjects.add(new Subject(Peer.SOCKETIO, "socketio-polling", "Socket.IO polling"));
        }
        return subjects;
    }
}
