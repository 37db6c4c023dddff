package dev.pagewire.netty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A self-signed certificate for trying HTTPS and WSS on your own machine. <b>Development only</b>:
 * no browser trusts it (each shows a warning you must click through), and anyone who can read the
 * key file can impersonate the server. In production use a certificate from your CA, or end TLS
 * at a proxy (see docs/DEPLOYMENT.md).
 *
 * <pre>{@code
 * DevCertificate dev = DevCertificate.generate(Files.createTempDirectory("pagewire-tls"));
 * PagewireServer.start(app, s -> s.tls(dev.certificateFile(), dev.privateKeyFile()));
 * }</pre>
 *
 * <p>The certificate names {@code localhost}, {@code 127.0.0.1} and {@code ::1} (subjectAltName),
 * has an EC P-256 key and is valid for {@link #VALIDITY} from now. It is made by the JDK's own
 * {@code keytool}, so nothing beyond the JDK is needed. Instances are immutable and thread-safe.
 */
public final class DevCertificate {

    /** How long a generated certificate is valid. */
    public static final Duration VALIDITY = Duration.ofDays(30);

    private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(60);

    private final Path certificateFile;
    private final Path privateKeyFile;
    private final X509Certificate certificate;

    private DevCertificate(Path certificateFile, Path privateKeyFile, X509Certificate certificate) {
        this.certificateFile = certificateFile;
        this.privateKeyFile = privateKeyFile;
        this.certificate = certificate;
    }

    /**
     * Generates a new key pair and self-signed certificate and writes them to {@code directory} as
     * {@code cert.pem} (the certificate) and {@code key.pem} (the unencrypted PKCS#8 private key,
     * readable by its owner only where the file system allows), replacing files of those names.
     * Takes about a second: it runs {@code keytool}.
     *
     * @param directory an existing, writable directory
     * @return the certificate and the paths of its two files
     * @throws IllegalArgumentException if {@code directory} is not a directory
     * @throws IllegalStateException if {@code keytool} is missing or fails, or the files cannot be written
     */
    public static DevCertificate generate(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("not a directory: " + directory.toAbsolutePath());
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("pagewire-keytool");
            Path keystore = work.resolve("dev.p12");
            char[] password = randomPassword();
            keytool(keystore, password);
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, password);
            }
            X509Certificate certificate = (X509Certificate) store.getCertificate("pagewire-dev");
            PrivateKey key = (PrivateKey) store.getKey("pagewire-dev", password);
            Path certificateFile = directory.resolve("cert.pem");
            Path privateKeyFile = directory.resolve("key.pem");
            Files.writeString(certificateFile, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
            Files.deleteIfExists(privateKeyFile);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(
                        privateKeyFile,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(privateKeyFile, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
            return new DevCertificate(certificateFile, privateKeyFile, certificate);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot make a development certificate in " + directory.toAbsolutePath() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making a development certificate", e);
        } finally {
            deleteQuietly(work);
        }
    }

    /**
     * {@return the PEM file with the certificate; pass it as {@link ServerSettings.Builder#tls}'s first
     * argument}
     */
    public Path certificateFile() {
        return certificateFile;
    }

    /** {@return the PEM file with the private key (PKCS#8, unencrypted)} */
    public Path privateKeyFile() {
        return privateKeyFile;
    }

    /** {@return the certificate itself, e.g. for a test client's trust store} */
    public X509Certificate certificate() {
        return certificate;
    }

    private static void keytool(Path keystore, char[] password) throws IOException, InterruptedException {
        Path keytool = Path.of(
                System.getProperty("java.home"),
                "bin",
                System.getProperty("os.name").startsWith("Windows") ? "keytool.exe" : "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IllegalStateException(
                    "no keytool at " + keytool + ": a development certificate needs a full JDK or JRE with keytool");
        }
        List<String> command = new ArrayList<>(List.of(
                keytool.toString(),
                "-genkeypair",
                "-noprompt",
                "-alias",
                "pagewire-dev",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-sigalg",
                "SHA256withECDSA",
                "-dname",
                "CN=localhost, O=Pagewire development certificate",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1,ip:::1",
                "-ext",
                "EKU=serverAuth",
                "-validity",
                Long.toString(VALIDITY.toDays()),
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass:env",
                "PAGEWIRE_DEV_STOREPASS"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // In the environment, not the command line, where other users' `ps` would show it.
        builder.environment().put("PAGEWIRE_DEV_STOREPASS", new String(password));
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes(); // until keytool exits and closes it
        if (!process.waitFor(KEYTOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool did not finish within " + KEYTOOL_TIMEOUT.toSeconds() + " s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed (exit " + process.exitValue() + "): "
                    + new String(output, StandardCharsets.UTF_8).strip());
        }
    }

    /** PEM text: Base64 in 64-character lines between the BEGIN and END markers (RFC 7468). */
    private static String pem(String label, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
    }

    private static char[] randomPassword() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes).toCharArray();
    }

    private static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(file -> {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    file.toFile().deleteOnExit();
                }
            });
        } catch (IOException e) {
            directory.toFile().deleteOnExit();
        }
    }
}
