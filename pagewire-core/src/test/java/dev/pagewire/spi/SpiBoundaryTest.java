package dev.pagewire.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The server adapter SPI stands on its own: it names the public API and itself, never the core's
 * internals, so an adapter written against it cannot come to depend on them.
 */
class SpiBoundaryTest {

    @Test
    void theSpiNamesNothingOfTheCoresInternals() throws IOException {
        Path spi = Path.of("src/main/java/dev/pagewire/spi");
        assertTrue(Files.isDirectory(spi), "run from the pagewire-core module: " + spi.toAbsolutePath());
        List<String> offending;
        try (Stream<Path> files = Files.list(spi)) {
            offending = files.filter(f -> f.toString().endsWith(".java"))
                    .flatMap(f -> lines(f).stream()
                            .filter(l -> l.contains("dev.pagewire.internal"))
                            .map(l -> f.getFileName() + ": " + l.strip()))
                    .toList();
        }
        assertEquals(List.of(), offending);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
