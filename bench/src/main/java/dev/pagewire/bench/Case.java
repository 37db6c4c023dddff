package dev.pagewire.bench;

import java.util.List;

/**
 * One table of the report: a scenario at one size, run for each subject.
 *
 * @param scenario the scenario
 * @param part which of the scenario's measurements, when it has several (the cluster's
 *     {@link #FANOUT}, {@link #ECHO} and {@link #POLLING}); empty for the others
 * @param size its size: idle connections, echo clients, topic members or page openers
 * @param title e.g. {@code "10000 idle pages"}
 * @param subjects the columns
 */
record Case(Scenario scenario, String part, int size, String title, List<Subject> subjects) {

    /** The cluster's fan-out through the load balancer. */
    static final String FANOUT = "fanout";
    /** The cluster's echo, on the owner, through another node, through the load balancer. */
    static final String ECHO = "echo";
    /** The cluster's long-polling echo through the load balancer. */
    static final String POLLING = "polling";

    /** A case of a scenario with one measurement. */
    Case(Scenario scenario, int size, String title, List<Subject> subjects) {
        this(scenario, "", size, title, subjects);
    }

    /** A file-name-safe id, e.g. {@code idle-10000}, {@code cluster-echo-100}. */
    String id() {
        return scenario.flag() + (part.isEmpty() ? "" : "-" + part) + "-" + size;
    }
}
