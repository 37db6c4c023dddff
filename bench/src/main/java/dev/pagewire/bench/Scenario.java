package dev.pagewire.bench;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The scenarios of issue 6 (the cluster's, issue 14; page load in Chromium, issue 17), by the names
 * {@code --scenarios} takes.
 */
enum Scenario {
    IDLE("idle", "Idle connected pages"),
    ECHO("echo", "Echo over WebSocket"),
    FANOUT("fanout", "Fan-out to one topic"),
    FALLBACK("fallback", "Echo over the HTTP fallbacks"),
    CHURN("churn", "Page churn"),
    CLUSTER("cluster", "Three nodes behind a load balancer without sticky sessions"),
    PAGELOAD("pageload", "Page load in Chromium: time to connected");

    private final String flag;
    private final String title;

    Scenario(String flag, String title) {
        this.flag = flag;
        this.title = title;
    }

    String flag() {
        return flag;
    }

    String title() {
        return title;
    }

    /** The scenarios named in a comma-separated list, or all for {@code all}. */
    static Set<Scenario> parse(String list) {
        if (list.equals("all")) {
            return EnumSet.allOf(Scenario.class);
        }
        Set<Scenario> chosen = EnumSet.noneOf(Scenario.class);
        for (String name : list.split(",")) {
            chosen.add(Arrays.stream(values())
                    .filter(s -> s.flag.equals(name.strip()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown scenario '" + name
                            + "': idle, echo, fanout, fallback, churn, cluster, pageload or all")));
        }
        return chosen;
    }
}
