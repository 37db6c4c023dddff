package dev.pagewire.testing;

import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Makes a failing input of a property ({@link Fuzz#forAll}) smaller: tests ever smaller variants
 * of it with {@code stillFails}, each a variant of the last that failed. The harness keeps the
 * last that failed, and ends the shrinking with an exception from {@code stillFails} once its
 * budget is spent.
 */
@FunctionalInterface
public interface Shrinker<T> {

    void shrink(T failing, Predicate<T> stillFails);

    /** Removes halves of a string, then ever smaller chunks, down to single characters. */
    Shrinker<String> STRINGS = (failing, stillFails) -> {
        String smallest = failing;
        int chunk = Math.max(1, smallest.length() / 2);
        while (true) {
            boolean removed = false;
            for (int from = 0; from < smallest.length(); ) {
                String candidate =
                        smallest.substring(0, from) + smallest.substring(Math.min(smallest.length(), from + chunk));
                if (stillFails.test(candidate)) {
                    smallest = candidate;
                    removed = true;
                } else {
                    from += chunk;
                }
            }
            if (!removed && chunk == 1) {
                return;
            }
            chunk = removed ? chunk : chunk / 2;
        }
    };

    /** As {@link #STRINGS}, for bytes (each byte one character of ISO-8859-1). */
    Shrinker<byte[]> BYTES = (failing, stillFails) -> STRINGS.shrink(
            new String(failing, StandardCharsets.ISO_8859_1),
            s -> stillFails.test(s.getBytes(StandardCharsets.ISO_8859_1)));

    /** Shrinks the part of an input that {@code part} reads, with the rest kept ({@code with} puts it back). */
    static <T, P> Shrinker<T> part(Function<T, P> part, BiFunction<T, P, T> with, Shrinker<P> shrinker) {
        return (failing, stillFails) ->
                shrinker.shrink(part.apply(failing), p -> stillFails.test(with.apply(failing, p)));
    }
}
