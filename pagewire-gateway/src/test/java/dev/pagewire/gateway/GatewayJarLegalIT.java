package dev.pagewire.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runnable gateway jar bundles other projects (Netty, Jackson, Lettuce, ...), so it carries
 * what their licences and Pagewire's ask of a distribution, as the repository's NOTICE describes:
 * Pagewire's LICENSE, one NOTICE that starts with Pagewire's and goes on with the bundled projects'
 * own, and the licence texts it names. A dependency added to the gateway without a word in NOTICE
 * fails here.
 */
class GatewayJarLegalIT {

    /** The repository's root; the tests run in this module's directory. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static JarFile jar;

    @BeforeAll
    static void openJar() throws IOException {
        String property = System.getProperty("gateway.jar", "target/pagewire-gateway.jar");
        jar = new JarFile(Path.of(property).toFile());
    }

    @AfterAll
    static void closeJar() throws IOException {
        jar.close();
    }

    @Test
    void licenseIsPagewiresApacheLicenseAndNoBundledCopyRemains() throws IOException {
        assertArrayEquals(Files.readAllBytes(ROOT.resolve("LICENSE")), read("META-INF/LICENSE"));
        assertNull(jar.getEntry("META-INF/LICENSE.txt"), "a bundled project's META-INF/LICENSE.txt");
        assertNull(jar.getEntry("META-INF/NOTICE.txt"), "a bundled project's META-INF/NOTICE.txt");
    }

    @Test
    void noticeIsPagewiresFollowedByTheBundledProjectsNotices() throws IOException {
        String notice = text("META-INF/NOTICE");
        String ours = Files.readString(ROOT.resolve("NOTICE"));
        assertTrue(
                notice.strip().startsWith(ours.strip()),
                "META-INF/NOTICE does not start with the repository's NOTICE:\n" + notice);
        // Jackson's jars carry a NOTICE of their own, merged after Pagewire's.
        assertTrue(notice.contains("# Jackson JSON processor"), "Jackson's notice is missing:\n" + notice);
    }

    @Test
    void everyBundledArtifactIsNamedInTheNotice() throws IOException {
        String notice = text("META-INF/NOTICE");
        Set<String> unnamed = new TreeSet<>();
        for (ZipEntry entry : Collections.list(jar.entries())) {
            if (!entry.getName().startsWith("META-INF/maven/")
                    || !entry.getName().endsWith("/pom.properties")) {
                continue;
            }
            Properties properties = new Properties();
            try (InputStream in = jar.getInputStream(entry)) {
                properties.load(in);
            }
            String group = properties.getProperty("groupId");
            String artifact = properties.getProperty("artifactId");
            if (group.equals("dev.pagewire")) {
                continue;
            }
            // The artifact's own name, as a word: "netty-codec-http" is not named by "netty-codec-http2".
            if (!Pattern.compile("(?<![\\w-])" + Pattern.quote(artifact) + "(?![\\w-])")
                    .matcher(notice)
                    .find()) {
                unnamed.add(group + ":" + artifact);
            }
        }
        assertEquals(Set.of(), unnamed, "bundled in pagewire-gateway.jar but not named in NOTICE");
    }

    @Test
    void everyFileTheNoticeNamesIsInTheJar() throws IOException {
        List<String> named = Pattern.compile("META-INF/[\\w./-]+")
                .matcher(text("META-INF/NOTICE"))
                .results()
                .map(match -> match.group().replaceAll("\\.+$", ""))
                .filter(name -> !name.endsWith("/"))
                .distinct()
                .toList();
        assertTrue(named.contains("META-INF/licenses/netty-NOTICE.txt"), "NOTICE names " + named);
        List<String> missing =
                named.stream().filter(name -> jar.getEntry(name) == null).toList();
        assertEquals(List.of(), missing, "files NOTICE names that pagewire-gateway.jar lacks");
    }

    private static String text(String name) throws IOException {
        return new String(read(name), StandardCharsets.UTF_8);
    }

    private static byte[] read(String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        assertNotNull(entry, "pagewire-gateway.jar has no " + name);
        try (InputStream in = jar.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }
}
