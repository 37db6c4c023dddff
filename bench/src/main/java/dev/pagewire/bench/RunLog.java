package dev.pagewire.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every run's raw figures, kept beside the report ({@code docs/bench/runs.tsv}) so that the medians
 * can be checked and the report redrawn ({@code --from}) without measuring again. A line per run:
 * case id, subject id ({@link Subject#id}), then {@code figure=value} pairs (or {@code !failed} and the reason),
 * tab-separated; {@code #} lines hold the
 * options and the machine facts of the bench run that measured them.
 */
final class RunLog {

    private static final String OPTIONS = "# options\t";
    private static final String MACHINE = "# machine\t";

    /** What a run log holds. */
    record Loaded(String options, Map<String, String> machine, List<String[]> runs) {}

    private RunLog() {}

    static void write(Path file, String options, Map<String, String> machine, List<String[]> runs) {
        var out = new StringBuilder(OPTIONS).append(options).append('\n');
        machine.forEach(
                (k, v) -> out.append(MACHINE).append(k).append('\t').append(v).append('\n'));
        runs.forEach(r -> out.append(String.join("\t", r)).append('\n'));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** One run as a line's fields. */
    static String[] line(Case c, Subject s, Map<String, Double> figures) {
        List<String> fields = new ArrayList<>(List.of(c.id(), s.id()));
        figures.forEach((k, v) -> fields.add(k + "=" + String.format(Locale.ROOT, "%.4f", v)));
        return fields.toArray(String[]::new);
    }

    private static final String FAILED = "!failed";

    /** A failed run as a line's fields: the reason, on one line. */
    static String[] failure(Case c, Subject s, String reason) {
        String oneLine = String.join(
                " / ",
                reason.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
        return new String[] {c.id(), s.id(), FAILED, oneLine.replace('\t', ' ')};
    }

    /** The reason of a failed run's line, or null for a line of figures. */
    static String failureOf(String[] line) {
        return line.length == 4 && line[2].equals(FAILED) ? line[3] : null;
    }

    /** The figures of a line's fields (after the case id and protocol). */
    static Map<String, Double> figures(String[] line) {
        Map<String, Double> f = new LinkedHashMap<>();
        for (int i = 2; i < line.length; i++) {
            int eq = line[i].indexOf('=');
            f.put(line[i].substring(0, eq), Double.parseDouble(line[i].substring(eq + 1)));
        }
        return f;
    }

    /** @throws IllegalArgumentException if the file is not a run log */
    static Loaded read(Path file) {
        String options = null;
        Map<String, String> machine = new LinkedHashMap<>();
        List<String[]> runs = new ArrayList<>();
        for (String line : ProcStats.read(file).lines().toList()) {
            if (line.startsWith(OPTIONS)) {
                options = line.substring(OPTIONS.length());
            } else if (line.startsWith(MACHINE)) {
                String[] kv = line.substring(MACHINE.length()).split("\t", 2);
                machine.put(kv[0], kv[1]);
            } else if (!line.isBlank()) {
                runs.add(line.split("\t"));
            }
        }
        if (options == null) {
            throw new IllegalArgumentException(file + " is not a run log (no '# options' line)");
        }
        return new Loaded(options, machine, runs);
    }
}
