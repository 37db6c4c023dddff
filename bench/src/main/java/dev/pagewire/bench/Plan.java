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

    /** One server run of a repetition: {@code c} for its column {@code s}. */
    record Step(Case c, Subject s) {}

    /**
     * The runs of one repetition in the order they are measured: case after case, each for its
     * subjects in turn. The smoke run takes them server by server instead — all single-server
     * cases of a peer together, and all its cluster cases together, in the order each group first
     * appears — so that {@link Measurer} starts one server, or one cluster, per group rather than
     * per run. The report does not depend on the order.
     */
    List<Step> steps(boolean smoke) {
        List<Step> steps = new ArrayList<>();
        for (Case c : cases) {
            for (Subject s : c.subjects()) {
                steps.add(new Step(c, s));
            }
        }
        if (smoke) {
            List<String> groups = new ArrayList<>();
            steps.forEach(x -> {
                if (!groups.contains(group(x))) {
                    groups.add(group(x));
                }
            });
            steps.sort(java.util.Comparator.comparingInt(x -> groups.indexOf(group(x))));
        }
        return List.copyOf(steps);
    }

    /** The servers a step runs on: one of a peer, or a cluster of it. */
    private static String group(Step x) {
        return (x.c().scenario() == Scenario.CLUSTER ? "cluster " : "")
                + x.s().peer().flag();
    }

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
                case CLUSTER -> cluster(o, cases);
                case PAGELOAD ->
                    add(
                            cases,
                            new Case(
                                    s,
                                    o.pageloadViews(),
                                    o.pageloadViews() + (o.pageloadViews() == 1 ? " view" : " views") + " per row",
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

    /**
     * Whether {@code peer} is measured in {@code scenario}: raw Netty has no HTTP fallback; a cluster
     * is Pagewire's own server and Socket.IO with either Redis adapter; Socket.IO's streams adapter
     * is for a cluster only; page load in Chromium is Pagewire on its own server and Socket.IO (a
     * page has no raw Netty client, and what containers cost shows in echo and churn).
     */
    static boolean takesPart(Peer peer, Scenario scenario) {
        if (scenario == Scenario.PAGELOAD) {
            return peer == Peer.PAGEWIRE || peer == Peer.SOCKETIO;
        }
        if (scenario == Scenario.CLUSTER) {
            return peer == Peer.PAGEWIRE || peer.onNode();
        }
        if (peer == Peer.SOCKETIO_STREAMS) {
            return false;
        }
        if (peer.inContainer()) {
            return CONTAINER_SCENARIOS.contains(scenario);
        }
        if (peer == Peer.PAGEWIRE_METRICS) {
            return scenario == Scenario.ECHO;
        }
        return peer != Peer.RAW_NETTY || scenario != Scenario.FALLBACK;
    }

    /**
     * The cluster's columns in the smoke run, each kind once, on three clusters (one per kind of
     * node, kept from column to column by {@link Measurer}; each start is five processes, and the
     * smoke run must stay short):
     *
     * <ul>
     *   <li>Pagewire's nodes: fan-out through round-robin haproxy ({@code fanout/pagewire-ws}), echo
     *       straight to another node than the owner, the hop through Redis ({@code echo/pagewire-relayed}),
     *       and long-polling that reopens, round-robin, every request of a page relayed to its owner
     *       ({@code polling/pagewire-lp});
     *   <li>Socket.IO with the Redis streams adapter: fan-out through round-robin haproxy
     *       ({@code fanout/socketio-streams-ws});
     *   <li>Socket.IO with the Redis adapter: long-polling round-robin, whose sessions are refused on
     *       other nodes and reopened ({@code polling/socketio-polling}), and behind a sticky haproxy,
     *       a second load balancer in front of the same nodes ({@code polling/socketio-sticky}).
     * </ul>
     *
     * Left out as covered: Pagewire's echo on the owner (the relayed echo's path without the hop)
     * and round-robin (its fan-out's entry with the echo load), Socket.IO's round-robin echo (its
     * fan-out's entry and load of the same code), and the adapters' other loads.
     */
    static final Set<String> SMOKE_CLUSTER = Set.of(
            Case.FANOUT + "/pagewire-ws",
            Case.FANOUT + "/socketio-streams-ws",
            Case.ECHO + "/pagewire-relayed",
            Case.POLLING + "/pagewire-lp",
            Case.POLLING + "/socketio-polling",
            Case.POLLING + "/socketio-sticky");

    /**
     * The cluster's three cases (docs/CLUSTER.md): fan-out to pages spread over the nodes by the
     * load balancer; echo with Pagewire's WebSocket on the page's owner, on another node (the hop
     * to the owner, certain) and through the load balancer, against Socket.IO's through the load
     * balancer (a socket lives where its connection is: no hop); long-polling through the
     * round-robin load balancer, and Socket.IO's also behind a sticky one, as a reference.
     */
    /** The cluster's parts, in the order they run ({@code --parts}). */
    static final List<String> CLUSTER_PARTS = List.of(Case.FANOUT, Case.ECHO, Case.POLLING);

    private static void cluster(BenchOptions o, List<Case> cases) {
        Scenario s = Scenario.CLUSTER;
        List<Subject> fanout = new ArrayList<>();
        List<Subject> echo = new ArrayList<>();
        List<Subject> polling = new ArrayList<>();
        for (Peer p : o.peers()) {
            if (!takesPart(p, s)) {
                continue;
            }
            if (p == Peer.PAGEWIRE) {
                fanout.add(new Subject(p, "ws", "Pagewire"));
                echo.add(new Subject(p, "owner", "Pagewire, on the owner"));
                echo.add(new Subject(p, "relayed", "Pagewire, on another node"));
                echo.add(new Subject(p, "ws", "Pagewire, round-robin"));
                polling.add(new Subject(p, "lp", "Pagewire long-polling, round-robin"));
            } else {
                String adapter = p == Peer.SOCKETIO ? "redis-adapter" : "redis-streams-adapter";
                fanout.add(new Subject(p, "ws", "Socket.IO (" + adapter + ")"));
                echo.add(new Subject(p, "ws", "Socket.IO (" + adapter + "), round-robin"));
                if (p == Peer.SOCKETIO) {
                    polling.add(new Subject(p, "polling", "Socket.IO polling, round-robin"));
                    polling.add(new Subject(p, "sticky", "Socket.IO polling, sticky (reference)"));
                }
            }
        }
        if (o.smoke()) {
            fanout.removeIf(x -> !SMOKE_CLUSTER.contains(Case.FANOUT + "/" + x.id()));
            echo.removeIf(x -> !SMOKE_CLUSTER.contains(Case.ECHO + "/" + x.id()));
            polling.removeIf(x -> !SMOKE_CLUSTER.contains(Case.POLLING + "/" + x.id()));
        }
        if (!o.parts().contains(Case.FANOUT)) {
            fanout.clear();
        }
        if (!o.parts().contains(Case.ECHO)) {
            echo.clear();
        }
        if (!o.parts().contains(Case.POLLING)) {
            polling.clear();
        }
        int n = o.fanoutMembers();
        add(cases, new Case(s, Case.FANOUT, n, "Fan-out to " + n + " pages over 3 nodes", fanout));
        int e = o.echoClients();
        add(cases, new Case(s, Case.ECHO, e, "Echo, " + e + " clients: the hop to a page's owner", echo));
        int f = o.fallbackClients();
        add(cases, new Case(s, Case.POLLING, f, "Long-polling without sticky sessions, " + f + " clients", polling));
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
            if (p.isPagewire() && takesPart(p, Scenario.FALLBACK)) {
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
