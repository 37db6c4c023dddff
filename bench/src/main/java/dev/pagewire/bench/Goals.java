package dev.pagewire.bench;

import dev.pagewire.bench.pageload.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** The goals issues 6, 14, 17 and 18 hold Pagewire against, checked on the medians of a bench run. */
final class Goals {

    /**
     * One goal's outcome.
     *
     * @param goal what is asked
     * @param measured the ratio found, as text, or why there is none
     * @param met whether it holds; null when it could not be measured
     */
    record Outcome(String goal, String measured, Boolean met) {}

    private Goals() {}

    static List<Outcome> check(List<Case> cases, Results r) {
        List<Outcome> out = new ArrayList<>();
        for (Case c : cases) {
            switch (c.scenario()) {
                case IDLE ->
                    out.add(ratio(
                            c,
                            r,
                            "rss_per_conn_kb",
                            Peer.SOCKETIO,
                            1.0 / 3,
                            false,
                            "RSS per connection ≤ ⅓ of Socket.IO's (" + c.title() + ")"));
                case ECHO -> {
                    out.add(ratio(c, r, "messages_per_s", Peer.SOCKETIO, 3, true, "echo throughput ≥ 3× Socket.IO's"));
                    out.add(ratio(
                            c, r, "messages_per_s", Peer.RAW_NETTY, 0.8, true, "echo throughput ≥ 80% of raw Netty's"));
                    out.add(ratio(c, r, "p99_us", Peer.SOCKETIO, 0.5, false, "echo p99 latency ≤ ½ of Socket.IO's"));
                    if (c.subjects().stream().anyMatch(s -> s.peer() == Peer.PAGEWIRE_METRICS)) {
                        out.add(ratio(
                                c,
                                r,
                                "server_cpu_us_per_unit",
                                Peer.PAGEWIRE_METRICS,
                                Peer.PAGEWIRE,
                                1.05,
                                false,
                                "echo server CPU per message with metrics bound ≤ ×1.05 of without"));
                    }
                }
                case CHURN ->
                    out.add(ratio(
                            c,
                            r,
                            "server_cpu_us_per_unit",
                            Peer.SOCKETIO,
                            0.75,
                            false,
                            "churn server CPU per page ≤ ¾ of Socket.IO's"));
                case FANOUT ->
                    out.add(ratio(
                            c,
                            r,
                            "last_ms",
                            Peer.SOCKETIO,
                            0.5,
                            false,
                            "fan-out time to the last page ≤ ½ of Socket.IO's (" + c.title() + ")"));
                case CLUSTER -> {
                    if (c.part().equals(Case.FANOUT)) {
                        out.add(ratio(
                                c,
                                r,
                                "last_ms",
                                Peer.SOCKETIO,
                                1,
                                false,
                                "cross-node fan-out time to the last page ≤ Socket.IO's (redis-adapter; " + c.title()
                                        + ")"));
                    }
                }
                case PAGELOAD -> out.add(pageLoad(c, r));
                default -> {
                    // no goal was set for the fallbacks: their tables stand for themselves
                }
            }
        }
        return out;
    }

    /**
     * Issue 17: Pagewire's median time to connected at or below Socket.IO's on every row; the
     * outcome shows the range of the ratios and the row of the highest.
     */
    private static Outcome pageLoad(Case c, Results r) {
        String goal = "time to connected (p50) ≤ Socket.IO's on every row of page load in Chromium";
        Subject ours = c.subjects().stream()
                .filter(s -> s.peer() == Peer.PAGEWIRE)
                .findFirst()
                .orElse(null);
        double lowest = Double.MAX_VALUE;
        double highest = 0;
        Row worst = null;
        for (Row row : Row.values()) {
            OptionalDouble ratio = ours == null
                    ? OptionalDouble.empty()
                    : Report.ratio(c, r, row.key() + "_ttc_p50_ms", ours, Peer.SOCKETIO);
            if (ratio.isEmpty()) {
                return new Outcome(goal, "not measured (" + row.title() + ")", null);
            }
            double v = ratio.getAsDouble();
            lowest = Math.min(lowest, v);
            if (v >= highest) {
                highest = v;
                worst = row;
            }
        }
        return new Outcome(
                goal,
                Report.times(lowest) + " to " + Report.times(highest) + " (highest: " + worst.title() + ")",
                highest <= 1);
    }

    private static Outcome ratio(
            Case c, Results r, String figure, Peer peer, double target, boolean atLeast, String goal) {
        // The goals are Pagewire's on its own server; the table of servers shows what a container adds.
        return ratio(c, r, figure, Peer.PAGEWIRE, peer, target, atLeast, goal);
    }

    /** {@code figure} of {@code subject} ÷ that of {@code peer}, against {@code target}. */
    private static Outcome ratio(
            Case c, Results r, String figure, Peer subject, Peer peer, double target, boolean atLeast, String goal) {
        Subject ours = c.subjects().stream()
                .filter(s -> s.peer() == subject)
                .findFirst()
                .orElse(null);
        OptionalDouble ratio = ours == null ? OptionalDouble.empty() : Report.ratio(c, r, figure, ours, peer);
        if (ratio.isEmpty()) {
            return new Outcome(goal, "not measured", null);
        }
        double v = ratio.getAsDouble();
        return new Outcome(goal, Report.times(v), atLeast ? v >= target : v <= target);
    }
}
