package dev.pagewire.netty.testing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Something a test needs from the machine (a browser, a proxy binary) that is missing or will not
 * start, and the one rule for what happens then: on a developer's machine the test is skipped with
 * this message; when the environment variable {@code CI} is {@code true} it fails instead, because
 * on CI a missing prerequisite is a broken build, not a choice.
 *
 * @param message what is missing and what to install, e.g. {@code "nginx not found at
 *     /usr/sbin/nginx: install the Debian package nginx (CI installs it in .ci/run)"}
 * @param cause why starting it failed, or {@code null} when it is simply absent
 */
public record Unavailable(String message, Throwable cause) {

    /** Whether this run is on CI, where missing prerequisites fail tests instead of skipping them. */
    public static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** What {@link #report} has printed in this JVM, so each reason is printed once. */
    private static final Set<String> reported = ConcurrentHashMap.newKeySet();

    /**
     * Prints the message to stderr, tagged with {@code who}, once per JVM: surefire's console shows
     * only a count of skipped tests, so say once why they skip. Thread-safe.
     */
    public void report(String who) {
        String line = "[" + who + "] tests " + (onCi() ? "fail" : "are skipped") + ": " + message;
        if (reported.add(line)) {
            System.err.println(line);
        }
    }

    /**
     * Always throws: an {@link AssertionFailedError} on CI, else the {@link TestAbortedException}
     * JUnit's assumptions use to skip a test. Built directly rather than via {@code
     * Assumptions.abort}, to keep the cause.
     */
    public void skipOrFail() {
        if (onCi()) {
            throw new AssertionFailedError(message, cause);
        }
        throw new TestAbortedException(message, cause);
    }
}
