package dev.pagewire.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the report says of the cluster scenario beyond its tables: which ratios each case shows,
 * what its figures mean, and what Socket.IO did without sticky sessions — read from the figures,
 * so that a run that found otherwise says otherwise.
 */
final class ClusterSection {

    private ClusterSection() {}

    /** The ratio columns of a cluster case: each compares what differs in one thing only. */
    static List<Report.Ratio> ratios(Case c) {
        List<Report.Ratio> ratios = new ArrayList<>();
        switch (c.part()) {
            case Case.FANOUT -> {
                Optional<Subject> ours = subject(c, Peer.PAGEWIRE, "ws");
                for (Peer p : List.of(Peer.SOCKETIO, Peer.SOCKETIO_STREAMS)) {
                    Optional<Subject> theirs = subject(c, p, "ws");
                    if (ours.isPresent() && theirs.isPresent()) {
                        ratios.add(new Report.Ratio("Pagewire ÷ " + theirs.get().title(), ours.get(), theirs.get()));
                    }
                }
            }
            case Case.ECHO -> {
                Optional<Subject> owner = subject(c, Peer.PAGEWIRE, "owner");
                Optional<Subject> relayed = subject(c, Peer.PAGEWIRE, "relayed");
                Optional<Subject> balanced = subject(c, Peer.PAGEWIRE, "ws");
                Optional<Subject> socketio = subject(c, Peer.SOCKETIO, "ws");
                if (owner.isPresent() && relayed.isPresent()) {
                    ratios.add(new Report.Ratio("the hop: another node ÷ owner", relayed.get(), owner.get()));
                }
                if (balanced.isPresent() && socketio.isPresent()) {
                    ratios.add(new Report.Ratio(
                            "round-robin: Pagewire ÷ Socket.IO (redis-adapter)", balanced.get(), socketio.get()));
                }
            }
            case Case.POLLING -> {
                Optional<Subject> ours = subject(c, Peer.PAGEWIRE, "lp");
                Optional<Subject> sticky = subject(c, Peer.SOCKETIO, "sticky");
                if (ours.isPresent() && sticky.isPresent()) {
                    ratios.add(new Report.Ratio("Pagewire round-robin ÷ Socket.IO sticky", ours.get(), sticky.get()));
                }
            }
            default -> throw new IllegalArgumentException("no cluster case '" + c.part() + "'");
        }
        return ratios;
    }

    /** The paragraph before the cluster's tables. */
    static List<String> intro(BenchOptions o) {
        return List.of(
                "Three nodes on one Redis behind haproxy (`mode http`, `balance roundrobin`, no cookie, no hashing:",
                "every HTTP request is balanced on its own, a keep-alive connection's too). Pagewire's nodes are",
                "`PagewireBenchServer --redis` (`RedisBackplane`): a request for a page that reaches a node other than",
                "the page's owner is relayed to the owner through Redis (docs/CLUSTER.md). Socket.IO's nodes are",
                "`server.js --redis` with `@socket.io/redis-adapter` (pub/sub), or with",
                "`@socket.io/redis-streams-adapter` and connection state recovery (Socket.IO's answer to a client that",
                "comes back on another node). A Socket.IO socket lives on the node its connection reached: the",
                "adapters carry broadcasts between nodes, never a session's requests, so a WebSocket never hops — and",
                "HTTP long-polling, whose every request may reach another node, needs sticky sessions. Nodes, Redis",
                "and haproxy share CPU " + Launcher.SERVER_CPU + (o.pin() ? "" : " (not pinned in this run)")
                        + "; Redis is fresh for every run.",
                "");
    }

    /** Sentences after a cluster case's table, from its figures. */
    static List<String> notes(Case c, Results r) {
        List<String> notes = new ArrayList<>();
        switch (c.part()) {
            case Case.FANOUT -> {
                for (Subject s : c.subjects()) {
                    OptionalDouble lbs = r.median(c, s, "load_balancers");
                    if (lbs.isPresent() && lbs.getAsDouble() > 1) {
                        notes.add(String.format(
                                Locale.ROOT,
                                "%s: the pages went through %.0f haproxy processes, each round-robin over the same"
                                        + " three nodes, the load generator taking them in turn: one haproxy holds two"
                                        + " files per connection, and a process may open %d files here.",
                                s.title(),
                                lbs.getAsDouble(),
                                ProcStats.openFilesLimit()));
                        break;
                    }
                }
                notes.add("A page's WebSocket and the GET that rendered it are balanced apart, so for about two"
                        + " pages in three Pagewire's WebSocket reaches a node that is not the page's owner and each"
                        + " broadcast frame takes the hop back to it; Socket.IO's sockets have no owner elsewhere.");
            }
            case Case.ECHO ->
                notes.add("\"On the owner\" renders the page on one node and opens its WebSocket on the same node's"
                        + " port; \"on another node\" opens it on the next node's port, so that every message and"
                        + " every answer takes the hop through Redis to the owner and back; neither goes through"
                        + " haproxy. \"Round-robin\" goes through haproxy like a browser: Pagewire's GET and"
                        + " WebSocket are balanced apart (a hop for about two pages in three), Socket.IO's socket"
                        + " stays on the node its connection reached (no hop). haproxy's own cost shows in its CPU.");
            case Case.POLLING -> {
                notes.add("Every client echoes over HTTP long-polling with the POSTs on a connection of their own,"
                        + " both connections from one source address as a browser's; a session refused or lost is"
                        + " opened again after socket.io-client's default delay (1 s, doubling up to 5 s, ±50 %)."
                        + " The sticky reference balances by source address (`balance source`).");
                for (Subject s : c.subjects()) {
                    OptionalDouble errors = r.median(c, s, "http_error_pct");
                    OptionalDouble lost = r.median(c, s, "lost_per_s");
                    OptionalDouble unknown = r.median(c, s, "lost_session_unknown_per_s");
                    OptionalDouble rate = r.median(c, s, "messages_per_s");
                    if (errors.isEmpty() || lost.isEmpty()) {
                        continue;
                    }
                    if (errors.getAsDouble() == 0 && lost.getAsDouble() == 0) {
                        notes.add(s.title() + ": no request answered with an error, no session lost.");
                    } else {
                        notes.add(String.format(
                                Locale.ROOT,
                                "%s: %.1f %% of the HTTP requests answered with an error; %.1f sessions per second"
                                    + " refused or lost, %.1f of them with %s; %.0f messages per second got through.",
                                s.title(),
                                errors.getAsDouble(),
                                lost.getAsDouble(),
                                unknown.orElse(0),
                                s.peer().onNode()
                                        ? "Engine.IO's `400 {\"code\":1,\"message\":\"Session ID unknown\"}` (the"
                                                + " session lives on another node)"
                                        : "\"Session ID unknown\"",
                                rate.orElse(0)));
                    }
                }
            }
            default -> throw new IllegalArgumentException("no cluster case '" + c.part() + "'");
        }
        return notes;
    }

    /** The bullet of "How it is measured". */
    static List<String> method(BenchOptions o) {
        return List.of(
                "- Cluster: for every run a fresh Redis (`redis-server`, no persistence), three nodes started at once,",
                "  and haproxy on free ports of 127.0.0.1, all on CPU " + Launcher.SERVER_CPU + "; the load generator"
                        + " takes haproxy's port (or",
                "  the nodes' own ports, for the hop) and spreads its links over them. CPU is the nodes' and Redis's",
                "  together over the measured interval, per delivery or message; haproxy's apart. Fan-out and echo",
                "  are measured as above, after a warm-up of " + o.clusterWarmupMs() + " ms (three nodes' JITs share"
                        + " one core); the long-polling",
                "  echo runs " + o.clusterWarmupMs() + " ms, then counts " + o.durationMs() + " ms, and the HTTP"
                        + " requests, their statuses and their nodes come",
                "  from haproxy's log of that interval.");
    }

    /** The column of {@code peer} over {@code transport}, if the case has it. */
    private static Optional<Subject> subject(Case c, Peer peer, String transport) {
        return c.subjects().stream()
                .filter(s -> s.peer() == peer && s.transport().equals(transport))
                .findFirst();
    }
}
