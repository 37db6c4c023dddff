package dev.pagewire.netty.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for the embedded server: the {@link SslContext} built once from the PEM files at start, and
 * the handlers that go first in each connection's pipeline. TLS 1.2 and 1.3; the JDK's provider,
 * so no native library is needed. With HTTP/2 on, ALPN offers {@code h2} and then {@code http/1.1},
 * the server's order deciding; a client that offers neither, or no ALPN at all, gets HTTP/1.1.
 */
final class ServerTls {

    /** How long a client may take to complete the TLS handshake before its connection is closed. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    static final String HANDLER = "tls";

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private final SslContext context;
    private final boolean http2;

    private ServerTls(SslContext context, boolean http2) {
        this.context = context;
        this.http2 = http2;
    }

    /**
     * Reads the certificate chain and private key and builds the server's TLS context.
     *
     * @throws IllegalStateException naming the file when a file cannot be read, holds no valid
     *     certificate or key, or the key does not belong to the certificate
     */
    static ServerTls load(Path certificateChain, Path privateKey, boolean http2) {
        List<X509Certificate> chain = readCertificates(certificateChain);
        PrivateKey key = readPrivateKey(privateKey, chain.get(0));
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(key, chain)
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2");
            if (http2) {
                // NO_ADVERTISE and ACCEPT: a client offering neither protocol is not refused but
                // served HTTP/1.1, as one that sends no ALPN at all.
                builder.applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2,
                        ApplicationProtocolNames.HTTP_1_1));
            }
            return new ServerTls(builder.build(), http2);
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "cannot use the TLS certificate " + certificateChain.toAbsolutePath() + " with the key "
                            + privateKey.toAbsolutePath() + ": " + e.getMessage(),
                    e);
        }
    }

    /** Whether ALPN offers {@code h2}: the connection's protocol is known only after the handshake. */
    boolean http2() {
        return http2;
    }

    /** Adds TLS in front of everything else in a new connection's pipeline. */
    void addTo(ChannelPipeline pipeline) {
        SslHandler ssl = context.newHandler(pipeline.channel().alloc());
        ssl.setHandshakeTimeout(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        pipeline.addFirst(HANDLER, ssl);
        pipeline.addAfter(HANDLER, "tls-failures", TlsFailures.INSTANCE);
    }

    private static List<X509Certificate> readCertificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            // The X.509 factory reads PEM ("-----BEGIN CERTIFICATE-----" blocks) as well as DER.
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast)
                    .toList();
            if (chain.isEmpty()) {
                throw new IllegalStateException("the TLS certificate file " + file.toAbsolutePath()
                        + " holds no certificate: expected PEM blocks -----BEGIN CERTIFICATE-----, leaf first");
            }
            return chain;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot read the TLS certificate file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "the TLS certificate file " + file.toAbsolutePath() + " is not a valid PEM certificate chain: "
                            + e.getMessage(),
                    e);
        }
    }

    private static PrivateKey readPrivateKey(Path file, X509Certificate leaf) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot read the TLS private key file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        Matcher block = PEM_BLOCK.matcher(pem);
        if (!block.find()) {
            throw new IllegalStateException("the TLS private key file " + file.toAbsolutePath()
                    + " holds no PEM block: expected -----BEGIN PRIVATE KEY----- (unencrypted PKCS#8)");
        }
        switch (block.group(1)) {
            case "PRIVATE KEY" -> {}
            case "ENCRYPTED PRIVATE KEY" ->
                throw new IllegalStateException("the TLS private key file "
                        + file.toAbsolutePath() + " is encrypted; give an unencrypted PKCS#8 key "
                        + "(openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem)");
            case "RSA PRIVATE KEY", "EC PRIVATE KEY" ->
                throw new IllegalStateException("the TLS private key file "
                        + file.toAbsolutePath() + " is a " + block.group(1) + " (PKCS#1/SEC1); convert it to PKCS#8 "
                        + "(openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem)");
            default ->
                throw new IllegalStateException("the TLS private key file " + file.toAbsolutePath() + " holds a "
                        + block.group(1) + " block, not -----BEGIN PRIVATE KEY----- (PKCS#8)");
        }
        PrivateKey key;
        String algorithm = leaf.getPublicKey().getAlgorithm();
        try {
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "the TLS private key file " + file.toAbsolutePath()
                            + " is not a valid PKCS#8 " + algorithm + " key (the certificate's key type): "
                            + e.getMessage(),
                    e);
        }
        if (!belongsTo(key, leaf)) {
            throw new IllegalStateException("the TLS private key file " + file.toAbsolutePath()
                    + " does not hold the key of the certificate "
                    + leaf.getSubjectX500Principal().getName()
                    + " (the first in the certificate file)");
        }
        return key;
    }

    /**
     * Whether {@code key} signs what the certificate's public key verifies. Checked at start because
     * a mismatch would otherwise only show as every handshake failing.
     */
    private static boolean belongsTo(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true; // a key type we cannot test here; the handshake will tell
        }
        try {
            byte[] probe = "pagewire".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * Ends connections whose TLS fails (a plain-HTTP request to the HTTPS port, a handshake that
     * times out or fails, a corrupt record) with a debug line each: they are the client's problem
     * and can come in numbers, so they must not fill the log with warnings.
     */
    @ChannelHandler.Sharable
    private static final class TlsFailures extends ChannelInboundHandlerAdapter {

        static final TlsFailures INSTANCE = new TlsFailures();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable tls = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
            if (tls instanceof SSLException) {
                log.debug("TLS connection {} failed: {}", ctx.channel(), summary(tls));
                ctx.close();
            } else {
                ctx.fireExceptionCaught(cause);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            // Other handshake failures also arrive at exceptionCaught; a timeout may come only as this event.
            if (evt instanceof SslHandshakeCompletionEvent done
                    && done.cause() instanceof SslHandshakeTimeoutException timeout) {
                log.debug("TLS handshake on {} failed: {}", ctx.channel(), timeout.getMessage());
            }
            ctx.fireUserEventTriggered(evt);
        }

        /** The first line of the exception, short: a not-TLS record's message dumps the bytes received. */
        private static String summary(Throwable cause) {
            String text = cause.toString();
            return text.length() > 200 ? text.substring(0, 200) + "…" : text;
        }
    }
}
