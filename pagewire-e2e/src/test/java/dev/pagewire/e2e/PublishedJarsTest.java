package dev.pagewire.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What every published jar carries so that others can depend on it (docs/VERSIONING.md): a module
 * name of its own on the module path, the same whatever the jar file is called, and the project's
 * LICENSE and NOTICE. The published modules are the ones pagewire-bom lists; this module's POM
 * makes the reactor build all of them before these tests, which read the jars the reactor packaged.
 */
class PublishedJarsTest {

    /** Each published module and the name it has on the module path: a promise, never changed. */
    private static final Map<String, String> MODULE_NAMES = Map.of(
            "pagewire-core", "dev.pagewire.core",
            "pagewire-netty", "dev.pagewire.netty",
            "pagewire-servlet", "dev.pagewire.servlet",
            "pagewire-redis", "dev.pagewire.redis",
            "pagewire-gateway", "dev.pagewire.gateway",
            "pagewire-spring-boot-starter", "dev.pagewire.spring",
            "pagewire-client-java", "dev.pagewire.client");

    /** The repository's root; the tests run in this module's directory. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theBomManagesExactlyThePublishedModules() throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        var pom = factory.newDocumentBuilder()
                .parse(ROOT.resolve("pagewire-bom/pom.xml").toFile());
        NodeList dependencies = pom.getElementsByTagNameNS("*", "dependency");
        Set<String> managed = new TreeSet<>();
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            assertEquals(
                    "${project.version}",
                    text(dependency, "version"),
                    "the version of " + text(dependency, "artifactId"));
            managed.add(text(dependency, "artifactId"));
        }
        assertEquals(new TreeSet<>(MODULE_NAMES.keySet()), managed);
    }

    static List<String> publishedModules() {
        return MODULE_NAMES.keySet().stream().sorted().toList();
    }

    @ParameterizedTest
    @MethodSource("publishedModules")
    void publishedJarHasItsStableModuleName(String artifactId) throws IOException {
        Path jar = builtJar(artifactId);
        String expected = MODULE_NAMES.get(artifactId);
        try (JarFile file = new JarFile(jar.toFile())) {
            assertNotNull(file.getManifest(), jar + " has no manifest");
            assertEquals(
                    expected,
                    file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"),
                    "Automatic-Module-Name of " + jar);
        }
        // What the JDK makes of the jar on the module path: the name above, whatever the file is called.
        Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
        assertEquals(1, found.size(), "modules in " + jar);
        ModuleDescriptor module = found.iterator().next().descriptor();
        assertEquals(expected, module.name());
        assertTrue(module.isAutomatic(), expected + " is an automatic module (no module-info.class)");
    }

    @ParameterizedTest
    @MethodSource("publishedModules")
    void publishedJarCarriesTheLicenseAndNotice(String artifactId) throws IOException {
        Path jar = builtJar(artifactId);
        try (JarFile file = new JarFile(jar.toFile())) {
            for (String name : List.of("LICENSE", "NOTICE")) {
                var entry = file.getEntry("META-INF/" + name);
                assertNotNull(entry, jar + " has no META-INF/" + name);
                try (var in = file.getInputStream(entry)) {
                    assertArrayEquals(
                            Files.readAllBytes(ROOT.resolve(name)),
                            in.readAllBytes(),
                            "META-INF/" + name + " of " + jar + " differs from the repository's " + name);
                }
            }
        }
    }

    /**
     * The module's jar as the reactor packaged it. Absent when the build stopped before
     * {@code package} ({@code mvn test}): then there is nothing to check, and the test says so.
     */
    private static Path builtJar(String artifactId) throws IOException {
        Path target = ROOT.resolve(artifactId).resolve("target");
        List<Path> jars;
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            jars = files.filter(file -> {
                        String name = file.getFileName().toString();
                        return name.startsWith(artifactId + "-")
                                && name.endsWith(".jar")
                                && !name.endsWith("-tests.jar")
                                && !name.endsWith("-sources.jar")
                                && !name.endsWith("-javadoc.jar");
                    })
                    .toList();
        }
        assumeTrue(
                !jars.isEmpty(),
                () -> artifactId + " has no jar in " + target + ": run `mvn verify`, which packages it");
        if (jars.size() > 1) {
            fail("more than one jar of " + artifactId + " (an old version left in target?): "
                    + jars.stream().map(Path::toString).collect(Collectors.joining(", ")));
        }
        return jars.getFirst();
    }

    private static String text(Element parent, String child) {
        NodeList nodes = parent.getElementsByTagNameNS("*", child);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().strip();
    }
}
