package dev.pagewire.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.opentest4j.AssertionFailedError;

/**
 * Runs a fuzz try so that a hang fails the property instead of the build: the work runs on a fresh
 * virtual thread (cheap enough for thousands of tries, unlike a platform thread per try) and the
 * caller waits at most a deadline for it. A thread that hangs is left behind; the property has
 * failed by then. Thread-safe.
 */
public final class Hangs {

    /** Far above any parser's time on a busy machine; only a hang reaches it. */
    public static final Duration DEADLINE = Duration.ofSeconds(10);

    private Hangs() {}

    /** Something a try does, which may throw. */
    public interface Work<T> {
        T run() throws Throwable;
    }

    /**
     * Runs {@code work} and returns what it returned or rethrows what it threw.
     *
     * @throws AssertionFailedError if it still runs after {@link #DEADLINE}
     */
    public static <T> T failIfHangs(Work<T> work) throws Throwable {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                result.set(work.run());
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        if (!thread.join(DEADLINE)) {
            thread.interrupt();
            throw new AssertionFailedError("still running after " + DEADLINE.toSeconds() + " s: a hang");
        }
        if (thrown.get() != null) {
            throw thrown.get();
        }
        return result.get();
    }
}
