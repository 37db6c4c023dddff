package dev.pagewire.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** The figures of every run, by case and subject, and their medians. Used by one thread. */
final class Results {

    private final Map<String, List<Map<String, Double>>> runs = new HashMap<>();
    private final Map<String, String> failures = new HashMap<>();

    void add(Case c, Subject s, Map<String, Double> figures) {
        runs.computeIfAbsent(key(c, s), k -> new ArrayList<>()).add(figures);
    }

    /** Records that a run failed; the report shows the reason in place of figures. */
    void fail(Case c, Subject s, String reason) {
        failures.putIfAbsent(key(c, s), reason);
    }

    /** The median over the runs of one figure, or empty when no run produced it. */
    OptionalDouble median(Case c, Subject s, String figure) {
        double[] values = runs.getOrDefault(key(c, s), List.of()).stream()
                .filter(f -> f.containsKey(figure))
                .mapToDouble(f -> f.get(figure))
                .sorted()
                .toArray();
        if (values.length == 0) {
            return OptionalDouble.empty();
        }
        int mid = values.length / 2;
        return OptionalDouble.of(values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2);
    }

    /** One figure of every run of every case, sorted (for facts about the whole bench run). */
    double[] everyRun(String figure) {
        return runs.values().stream()
                .flatMap(List::stream)
                .filter(f -> f.containsKey(figure))
                .mapToDouble(f -> f.get(figure))
                .sorted()
                .toArray();
    }

    /** How many runs produced figures. */
    int count(Case c, Subject s) {
        return runs.getOrDefault(key(c, s), List.of()).size();
    }

    /** The first failure of a case and subject, or null. */
    String failure(Case c, Subject s) {
        return failures.get(key(c, s));
    }

    /** Whether every subject of every case produced figures. */
    boolean complete(List<Case> cases) {
        return cases.stream().allMatch(c -> c.subjects().stream().allMatch(s -> count(c, s) > 0));
    }

    private static String key(Case c, Subject s) {
        return String.join("/", Arrays.asList(c.id(), s.id()));
    }
}
