package dev.pagewire.testing;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Predicate;
import org.opentest4j.AssertionFailedError;

/**
 * A small property-based test harness on plain JUnit, for the fuzz tests (docs/SECURITY.md,
 * Fuzzing): {@link #forAll} checks a property on {@link #TRIES} inputs, each drawn from a
 * {@link Random} of its own, seeded from {@link #SEED} and the try's index, and each checked
 * within the {@link Hangs} deadline. A failure reports how to replay it exactly, the input, and
 * the smallest failing input found by removing parts of it. Called on the test's thread.
 *
 * <p>System properties: {@code fuzz.tries} (default 2000), {@code fuzz.seed} (default: random
 * each run) and {@code fuzz.report} ({@code true}: a line per property with its tries and seed,
 * and the shares {@link Counts} checks).
 */
public final class Fuzz {

    /** Tries per property. */
    public static final int TRIES = Integer.getInteger("fuzz.tries", 2000);

    /** The run's seed: try {@code i} of every property draws from {@code random(SEED + i)}. */
    public static final long SEED = Long.getLong("fuzz.seed", new Random().nextLong());

    static final boolean REPORT = Boolean.getBoolean("fuzz.report");

    /** Shrinking stops after this many more runs of the property, or after this long. */
    private static final int SHRINK_RUNS = 2000;

    private static final long SHRINK_MILLIS = 30_000;

    private Fuzz() {}

    /** Draws a try's input. */
    public interface Generator<T> {
        T next(Random random);
    }

    /** What must hold for every input: returns normally, or throws (an assertion) if it does not. */
    public interface Property<T> {
        void check(T input) throws Throwable;
    }

    /** Checks {@code property} on {@link #TRIES} inputs; shrinks a failing string or byte array. */
    public static <T> void forAll(Generator<T> generator, Property<T> property) {
        forAll(generator, Fuzz::shrinkIfSequence, property);
    }

    /** Checks {@code property} on {@link #TRIES} inputs; shrinks a failing one with {@code shrinker}. */
    public static <T> void forAll(Generator<T> generator, Shrinker<T> shrinker, Property<T> property) {
        for (int i = 0; i < TRIES; i++) {
            T input = generator.next(random(SEED + i));
            Throwable failure = failure(property, input);
            if (failure != null) {
                throw new Shrinking<>(property, input, failure).run(shrinker).report(i);
            }
        }
        if (REPORT) {
            String test = StackWalker.getInstance()
                    .walk(frames -> frames.skip(1)
                            .filter(f -> !f.getClassName().equals(Fuzz.class.getName()))
                            .findFirst()
                            .map(f -> f.getClassName().replaceAll(".*\\.", "") + "." + f.getMethodName())
                            .orElseThrow());
            System.out.printf("%s: %d tries, -Dfuzz.seed=%d%n", test, TRIES, SEED);
        }
    }

    /** A {@link Random} for one try, its seed scrambled: neighbouring seeds start alike in {@code Random}. */
    public static Random random(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L; // SplitMix64
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
    }

    /** What {@code property} threw for {@code input} within the deadline, or {@code null}. */
    private static <T> Throwable failure(Property<T> property, T input) {
        try {
            Hangs.failIfHangs(() -> {
                property.check(input);
                return null;
            });
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** The shrinking of one failing input, and the smallest that still failed. */
    private static final class Shrinking<T> {
        private final Property<T> property;
        private final T input;
        private final Throwable failure;
        private final long deadline = System.currentTimeMillis() + SHRINK_MILLIS;
        private T smallest;
        private Throwable smallestFailure;
        private int runs;

        Shrinking(Property<T> property, T input, Throwable failure) {
            this.property = property;
            this.input = this.smallest = input;
            this.failure = this.smallestFailure = failure;
        }

        Shrinking<T> run(Shrinker<T> shrinker) {
            try {
                shrinker.shrink(input, this::stillFails);
            } catch (BudgetSpent e) {
                // the smallest so far
            }
            return this;
        }

        private boolean stillFails(T candidate) {
            if (runs >= SHRINK_RUNS || System.currentTimeMillis() > deadline) {
                throw new BudgetSpent();
            }
            runs++;
            Throwable t = failure(property, candidate);
            // Only the same kind of failure counts, so that shrinking does not slip to another bug.
            if (t == null || t.getClass() != failure.getClass()) {
                return false;
            }
            smallest = candidate;
            smallestFailure = t;
            return true;
        }

        AssertionFailedError report(int index) {
            AssertionFailedError error = new AssertionFailedError(String.format(
                    "property failed at try %d of %d; replay with -Dfuzz.seed=%d -Dfuzz.tries=%d%n"
                            + "input: %s%nshrunk (%d runs): %s%nfailure: %s",
                    index, TRIES, SEED, index + 1, show(input), runs, show(smallest), smallestFailure));
            error.initCause(smallestFailure);
            if (smallestFailure != failure) {
                error.addSuppressed(failure);
            }
            return error;
        }
    }

    private static final class BudgetSpent extends RuntimeException {
        BudgetSpent() {
            super(null, null, false, false);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void shrinkIfSequence(T input, Predicate<T> stillFails) {
        switch (input) {
            case String s -> Shrinker.STRINGS.shrink(s, (Predicate<String>) stillFails);
            case byte[] b -> Shrinker.BYTES.shrink(b, (Predicate<byte[]>) stillFails);
            default -> {}
        }
    }

    /** An input for a report: text with invisible characters escaped, bytes in hex too; long ones cut. */
    public static String show(Object input) {
        String shown = switch (input) {
            case String s -> s.length() + " chars: \"" + Mutations.show(s) + "\"";
            case byte[] b ->
                b.length + " bytes: " + HexFormat.of().formatHex(b) + " = \""
                        + Mutations.show(new String(b, StandardCharsets.UTF_8)) + "\"";
            default -> String.valueOf(input);
        };
        return shown.length() <= 2000 ? shown : shown.substring(0, 2000) + "… (" + shown.length() + " chars)";
    }
}
