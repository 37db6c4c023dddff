package dev.pagewire.netty.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagewire.spi.Connection;
import dev.pagewire.spi.OutFrame;
import dev.pagewire.spi.Session;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Autobahn|Testsuite fuzzing client (RFC 6455 conformance) against a WebSocket echo URL. The
 * suite is Python; it runs in Jython in a child JVM whose class path holds only Jython and the suite
 * (with Netty on the class path, Jython would resolve Python's {@code io} module to the Java package
 * {@code io}). Needs {@code jython-standalone} and {@code autobahntestsuite-maven-plugin} on the test
 * class path.
 */
public final class Autobahn {

    /** Cases 12 and 13 (permessage-deflate under load) are left out: in Jython they take over 20 min. */
    public static final List<String> EXCLUDED = List.of("12.*", "13.*");

    /**
     * What {@code mvn verify} leaves out as well unless {@code -Dautobahn.full=true}: cases 9 (messages
     * and frames up to 16 MiB, a limit test and a speed test in one), which take most of the run's
     * minutes in Jython. The full run is a command of its own (README, "Set up").
     */
    public static final List<String> EXCLUDED_BY_DEFAULT = List.of("9.*", "12.*", "13.*");

    /** Whether the full run was asked for ({@code -Dautobahn.full=true}). */
    public static boolean full() {
        return Boolean.getBoolean("autobahn.full");
    }

    private static final Set<String> PASSING = Set.of("OK", "NON-STRICT", "INFORMATIONAL");

    /** The outcome of one run: every case's behaviour, and the cases that failed. */
    public record Results(Map<String, String> behaviours, List<String> failed) {}

    /** The echo the fuzzing client expects: each message back as it came, text as text, binary as binary. */
    public record Echo(Connection connection) implements Session {
        @Override
        public void text(String message) {
            connection.send(new OutFrame(false, message.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public void binary(byte[] message) {
            connection.send(new OutFrame(true, message));
        }

        @Override
        public void closed() {}
    }

    private Autobahn() {}

    /**
     * Runs every case (but {@link #EXCLUDED}) against {@code url}, an echo of text and binary
     * messages, writing the HTML reports below {@code reports}.
     */
    public static Results run(String url, Path reports) throws Exception {
        return run(url, reports, EXCLUDED);
    }

    /** {@link #run(String, Path)} leaving out the cases {@code excluded} (patterns such as {@code "9.*"}). */
    public static Results run(String url, Path reports, List<String> excluded) throws Exception {
        Files.createDirectories(reports);
        String classPath = String.join(
                File.pathSeparator,
                classPathEntry("jython-standalone"),
                classPathEntry("autobahntestsuite-maven-plugin"));
        String script = String.join(
                "\n",
                "from autobahntestsuite import wstest",
                "spec = {'outdir': '" + reports.toString().replace("\\", "/") + "', 'failByDrop': False,",
                "        'servers': [{'agent': 'pagewire', 'url': '" + url + "'}],",
                "        'options': {'version': 18}, 'cases': ['*'], 'exclude-cases': " + pythonList(excluded) + "}",
                "wstest.start({'mode': 'fuzzingclient'}, spec)");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-cp", classPath, "org.python.util.jython", "-c", script)
                .redirectErrorStream(true)
                .redirectOutput(reports.resolve("fuzzingclient.log").toFile())
                .start();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the fuzzing client did not finish within 15 min; see " + reports);
        }
        assertEquals(0, process.exitValue(), "fuzzing client failed; see " + reports.resolve("fuzzingclient.log"));
        JsonNode results = new ObjectMapper()
                .readTree(reports.resolve("index.json").toFile())
                .path("pagewire");
        Map<String, String> behaviours = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        results.properties().forEach(entry -> {
            String behavior = entry.getValue().path("behavior").asText();
            String close = entry.getValue().path("behaviorClose").asText();
            behaviours.put(entry.getKey(), behavior + "/" + close);
            if (!PASSING.contains(behavior) || !PASSING.contains(close)) {
                failed.add(entry.getKey() + " " + behavior + "/" + close);
            }
        });
        return new Results(behaviours, failed);
    }

    private static String classPathEntry(String artifact) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> new File(entry).getName().startsWith(artifact))
                .findFirst()
                .orElseThrow(() -> new AssertionError(artifact + " is not on the test class path"));
    }

    private static String pythonList(List<String> items) {
        return items.stream()
                .map(i -> "'" + i + "'")
                .reduce((a, b) -> a + ", " + b)
                .map(s -> "[" + s + "]")
                .orElse("[]");
    }
}
