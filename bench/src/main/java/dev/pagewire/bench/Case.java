package dev.pagewire.bench;

import java.util.List;

/**
 * One table of the report: a scenario at one size, run for each subject.
 *
 * @param scenario the scenario
 * @param size its size: idle connections, echo clients, topic members or page openers
 * @param title e.g. {@code "10000 idle pages"}
 * @param subjects the columns
 */
record Case(Scenario scenario, int size, String title, List<Subject> subjects) {

    /** A file-name-safe id, e.g. {@code idle-10000}. */
    String id() {
        return scenario.flag() + "-" + size;
    }
}
