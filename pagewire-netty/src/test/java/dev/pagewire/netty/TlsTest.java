package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.TestSocket;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS and WSS on the embedded server, with a development certificate the test client trusts. */
class TlsTest {

    @TempDir
    static Path certificates;

    @TempDir
    Path files;

    private static DevCertificate certificate;
    private static HttpClient https;

    private Pagewire app;

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = DevCertificate.generate(certificates);
        https = HttpClient.newBuilder()
                .sslContext(trusting(certificate.certificate()))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @BeforeEach
    void createApp() {
        app = Pagewire.create();
        app.page("/p", (request, page) -> {
            page.on("echo", e -> page.emit("echoed", e.data()));
            return "<html><head><title>p</title></head><body>over TLS</body></html>";
        });
    }

    @AfterEach
    void closeApp() {
        app.close();
    }

    @Test
    void pageAndItsChannelWorkOverHttpsAndWss() throws Exception {
        try (PagewireServer server = startTls(certificate.certificateFile(), certificate.privateKeyFile())) {
            URI page = server.uri().resolve("/p");
            assertEquals("https", page.getScheme());

            try (TestSocket socket = TestSocket.openPage(page, https)) {
                assertTrue(socket.nextText().startsWith("[\"hello\","));
                socket.send("[\"ev\",\"echo\",\"over wss\"]");
                assertEquals("[\"ev\",\"echoed\",\"over wss\",1]", socket.nextText());
            }
        }
    }

    @Test
    void plainHttpToTheTlsPortGetsNoPageAndOthersAreStillServed() throws Exception {
        try (PagewireServer server = startTls(certificate.certificateFile(), certificate.privateKeyFile())) {
            String answer;
            try (Socket plain = new Socket("127.0.0.1", server.port())) {
                plain.setSoTimeout(10_000); // the server closes at once; this only bounds a failure
                plain.getOutputStream()
                        .write(("GET /p HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                answer = TestSocket.readUntilClosed(plain.getInputStream());
            }

            assertFalse(answer.contains("HTTP/"), answer);
            assertFalse(answer.contains("over TLS"), answer);
            assertTrue(TestSocket.render(server.uri().resolve("/p"), https).contains("over TLS"));
        }
    }

    @Test
    void tlsWithOnlyOneFileIsRefusedNamingBothSettings() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ServerSettings.builder()
                        .tls(certificate.certificateFile(), null)
                        .build());

        assertTrue(e.getMessage().contains("tlsCertificate and tlsPrivateKey go together"), e.getMessage());
    }

    @Test
    void unreadableTlsFilesAreRefusedNamingTheSetting() {
        Path missing = files.resolve("missing.pem");

        IllegalArgumentException noCertificate = assertThrows(
                IllegalArgumentException.class,
                () -> ServerSettings.builder()
                        .tls(missing, certificate.privateKeyFile())
                        .build());
        IllegalArgumentException noKey = assertThrows(
                IllegalArgumentException.class,
                () -> ServerSettings.builder()
                        .tls(certificate.certificateFile(), files)
                        .build());

        assertEquals("tlsCertificate is not a readable file: " + missing.toAbsolutePath(), noCertificate.getMessage());
        assertEquals("tlsPrivateKey is not a readable file: " + files.toAbsolutePath(), noKey.getMessage());
    }

    @Test
    void certificateFileWithoutACertificateFailsStartNamingIt() throws IOException {
        Path notPem = Files.writeString(files.resolve("cert.pem"), "not a certificate\n");

        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> startTls(notPem, certificate.privateKeyFile()));

        assertTrue(e.getMessage().startsWith("the TLS certificate file " + notPem.toAbsolutePath()), e.getMessage());
    }

    @Test
    void keyFileWithoutAKeyFailsStartNamingIt() throws IOException {
        Path notPem = Files.writeString(files.resolve("key.pem"), "not a key\n");

        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> startTls(certificate.certificateFile(), notPem));

        assertEquals(
                "the TLS private key file " + notPem.toAbsolutePath()
                        + " holds no PEM block: expected -----BEGIN PRIVATE KEY----- (unencrypted PKCS#8)",
                e.getMessage());
    }

    @Test
    void corruptKeyFailsStartNamingTheFile() throws IOException {
        Path corrupt = Files.writeString(
                files.resolve("key.pem"),
                "-----BEGIN PRIVATE KEY-----\n" + Base64.getEncoder().encodeToString(new byte[64])
                        + "\n-----END PRIVATE KEY-----\n");

        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> startTls(certificate.certificateFile(), corrupt));

        assertTrue(
                e.getMessage()
                        .startsWith("the TLS private key file " + corrupt.toAbsolutePath()
                                + " is not a valid PKCS#8 EC key"),
                e.getMessage());
    }

    @Test
    void pkcs1KeyFailsStartSayingHowToConvertIt() throws IOException {
        Path pkcs1 = Files.writeString(
                files.resolve("key.pem"),
                "-----BEGIN EC PRIVATE KEY-----\n" + Base64.getEncoder().encodeToString(new byte[64])
                        + "\n-----END EC PRIVATE KEY-----\n");

        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> startTls(certificate.certificateFile(), pkcs1));

        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), e.getMessage());
    }

    @Test
    void keyOfAnotherCertificateFailsStart() {
        DevCertificate other = DevCertificate.generate(files);

        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> startTls(certificate.certificateFile(), other.privateKeyFile()));

        assertTrue(
                e.getMessage()
                        .startsWith("the TLS private key file "
                                + other.privateKeyFile().toAbsolutePath()
                                + " does not hold the key of the certificate"),
                e.getMessage());
    }

    private PagewireServer startTls(Path chain, Path key) {
        return PagewireServer.start(app, s -> s.host("127.0.0.1").port(0).tls(chain, key));
    }

    /** An SSLContext that trusts exactly {@code certificate}, as a browser would after "proceed anyway". */
    static SSLContext trusting(X509Certificate certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("dev", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
