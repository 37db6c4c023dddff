package dev.pagewire.bench;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The cases a bench run measures, from its options, and what had to be left out on this machine
 * (sizes over the open-files limit), to be said in the report. A case has a column for each server
 * of {@code --peers} that {@linkplain #takesPart takes part} in its scenario.
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
                            add(cases, new Case(s, n, n + " idle pages", webSocket(o, s)));
                        } else {
                            cut = true;
                            notes.add(n + " idle connections were not run: the open-files limit of a process here is "
                                    + openFilesLimit + " (`ulimit -n`; the hard limit, which only a process with"
                                    + " CAP_SYS_RESOURCE may raise), and every connection is a file in the server.");
                        }
                    }
                    int largest = (int) (fits / 1000 * 1000);
                    if (cut && largest > 0 && cases.stream().noneMatch(c -> c.scenario() == s && c.size() == largest)) {
                        add(
                                cases,
                                new Case(
                                        s,
                                        largest,
                                        largest + " idle pages (the most this limit allows)",
                                        webSocket(o, s)));
                    }
                }
                case ECHO ->
                    add(cases, new Case(s, o.echoClients(), o.echoClients() + " echo clients", webSocket(o, s)));
                case FANOUT ->
                    add(
                            cases,
                            new Case(s, o.fanoutMembers(), o.fanoutMembers() + " pages in the topic", webSocket(o, s)));
                case FALLBACK ->
                    add(
                            cases,
                            new Case(
                                    s,
                                    o.fallbackClients(),
                                    o.fallbackClients() + " echo clients over HTTP",
                                    fallbacks(o)));
                case CHURN ->
                    add(
                            cases,
                            new Case(
                                    s,
                                    o.churnOpeners(),
                                    o.churnOpeners() + " concurrent page openers",
                                    webSocket(o, s)));
            }
        }
        return new Plan(List.copyOf(cases), List.copyOf(notes));
    }

    /**
     * The scenarios Pagewire in a Servlet container takes part in: what a server costs per message
     * and per page. Idle and fan-out leave the containers out: their large sizes take the longest.
     */
    static final Set<Scenario> CONTAINER_SCENARIOS = EnumSet.of(Scenario.ECHO, Scenario.FALLBACK, Scenario.CHURN);

    /** Whether {@code peer} is measured in {@code scenario}: raw Netty has no HTTP fallback. */
    static boolean takesPart(Peer peer, Scenario scenario) {
        if (peer.inContainer()) {
            return CONTAINER_SCENARIOS.contains(scenario);
        }
        return peer != Peer.RAW_NETTY || scenario != Scenario.FALLBACK;
    }

    /** A case that some server of {@code --peers} takes part in. */
    private static void add(List<Case> cases, Case c) {
        if (!c.subjects().isEmpty()) {
            cases.add(c);
        }
    }

    private static List<Subject> webSocket(BenchOptions o, Scenario s) {
        List<Subject> subjects = new ArrayList<>();
        for (Peer p : o.peers()) {
            if (takesPart(p, s)) {
                subjects.add(new Subject(p, "ws", p.title()));
            }
        }
        return subjects;
    }

    /** Pagewire's two fallbacks, on each of its servers, and Socket.IO's polling. */
    private static List<Subject> fallbacks(BenchOptions o) {
        List<Subject> subjects = new ArrayList<>();
        for (Peer p : o.peers()) {
            if (p.isPagewire()) {
                String on = p.inContainer() ? " on " + p.server() : "";
                subjects.add(new Subject(p, "sse", "Pagewire SSE" + on));
                subjects.add(new Subject(p, "lp", "Pagewire long-polling" + on));
            } else if (p == Peer.SOCKETIO) {
                subjects.add(new Subject(p, "polling", "Socket.IO polling"));
            }
        }
        return subjects;
    }
}
