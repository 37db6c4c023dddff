package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The development certificate: what it names, how long it lasts, and the PEM it writes. */
class DevCertificateTest {

    @TempDir
    static Path directory;

    private static DevCertificate dev;

    @BeforeAll
    static void generate() {
        dev = DevCertificate.generate(directory);
    }

    @Test
    void writesCertPemAndKeyPemIntoTheDirectory() {
        assertEquals(directory.resolve("cert.pem"), dev.certificateFile());
        assertEquals(directory.resolve("key.pem"), dev.privateKeyFile());
    }

    @Test
    void namesLocalhostAndBothLoopbackAddresses() throws Exception {
        // General names: 2 is a DNS name, 7 an IP address (RFC 5280 §4.2.1.6).
        Set<List<?>> names = Set.copyOf(dev.certificate().getSubjectAlternativeNames());

        assertEquals(Set.of(List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1")), names);
    }

    @Test
    void isValidNowForThirtyDays() {
        X509Certificate certificate = dev.certificate();
        Instant now = Instant.now();

        assertTrue(
                !certificate.getNotBefore().toInstant().isAfter(now.plusSeconds(5)),
                certificate.getNotBefore()::toString);
        Duration validity = Duration.between(
                certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant());
        assertEquals(DevCertificate.VALIDITY.toDays(), validity.toDays());
    }

    @Test
    void certificateFileIsThePemOfTheCertificate() throws Exception {
        try (InputStream in = Files.newInputStream(dev.certificateFile())) {
            assertEquals(
                    dev.certificate(), CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        assertPem(dev.certificateFile(), "CERTIFICATE");
    }

    @Test
    void keyFileIsUnencryptedPkcs8ForItsOwnerOnly() throws Exception {
        assertPem(dev.privateKeyFile(), "PRIVATE KEY");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertEquals(
                    "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dev.privateKeyFile())));
        }
    }

    /** One PEM block with this label, its Base64 in lines of 64 characters (the last may be shorter). */
    private static void assertPem(Path file, String label) throws Exception {
        List<String> lines = Files.readAllLines(file);
        assertEquals("-----BEGIN " + label + "-----", lines.get(0));
        assertEquals("-----END " + label + "-----", lines.get(lines.size() - 1));
        List<String> body = lines.subList(1, lines.size() - 1);
        for (int i = 0; i < body.size(); i++) {
            int expected = i < body.size() - 1 ? 64 : body.get(i).length();
            assertEquals(expected, body.get(i).length(), () -> file + ": " + String.join("\n", lines));
            assertTrue(body.get(i).matches("[A-Za-z0-9+/=]+"), body.get(i));
        }
        assertTrue(body.get(body.size() - 1).length() <= 64, body.stream().collect(Collectors.joining("\n")));
    }
}
