package dev.pagewire.examples.chat;

import java.nio.file.Path;

/**
 * The chat's command line, parsed.
 *
 * @param host the address to listen on
 * @param port the port to listen on; 0 picks a free one
 * @param selfSigned serve HTTPS with a fresh development certificate
 * @param tlsCertificate serve HTTPS with this PEM certificate chain, or null
 * @param tlsKey the PEM private key of {@code tlsCertificate}, or null
 * @param redis the Redis URI of the cluster this chat joins, or null to run alone
 * @param metrics serve Prometheus's scrape of the chat's meters at {@code /metrics}
 * @param dashboard serve the live dashboard at {@code /dashboard}
 * @param help only print {@link #USAGE}
 */
record ChatOptions(
        String host,
        int port,
        boolean selfSigned,
        Path tlsCertificate,
        Path tlsKey,
        String redis,
        boolean metrics,
        boolean dashboard,
        boolean help) {

    static final String USAGE = """
        usage: java -jar pagewire-chat.jar [options]
          --port N          port to listen on (default 8080; 0 picks a free one)
          --host H          address to listen on (default 0.0.0.0: every interface)
          --self-signed     serve HTTPS with a new self-signed development certificate for
                            localhost (browsers warn about it; for trying HTTPS only)
          --tls-cert FILE   serve HTTPS with this PEM certificate chain (needs --tls-key)
          --tls-key FILE    the certificate's private key, PEM PKCS#8, unencrypted
          --redis URI       join the cluster of chats on this Redis, e.g. redis://127.0.0.1:6379:
                            every chat started with the same URI is one room, behind any load
                            balancer (docs/CLUSTER.md)
          --metrics         serve the chat's meters for Prometheus at /metrics (docs/OPERATIONS.md)
          --dashboard       serve the live dashboard at /dashboard: to this machine only, or to
                            whoever gives the password in $PAGEWIRE_DASHBOARD_PASSWORD
                            (docs/OPERATIONS.md)
          --help            print this and exit
        """;

    /**
     * Parses {@code args}.
     *
     * @throws IllegalArgumentException saying which option is wrong
     */
    static ChatOptions parse(String... args) {
        String host = "0.0.0.0";
        int port = 8080;
        boolean selfSigned = false;
        Path certificate = null;
        Path key = null;
        String redis = null;
        boolean metrics = false;
        boolean dashboard = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = port(value(args, ++i, "--port"));
                case "--host" -> host = value(args, ++i, "--host");
                case "--self-signed" -> selfSigned = true;
                case "--tls-cert" -> certificate = Path.of(value(args, ++i, "--tls-cert"));
                case "--tls-key" -> key = Path.of(value(args, ++i, "--tls-key"));
                case "--redis" -> redis = redis(value(args, ++i, "--redis"));
                case "--metrics" -> metrics = true;
                case "--dashboard" -> dashboard = true;
                case "--help", "-h" -> {
                    return new ChatOptions(host, port, false, null, null, null, false, false, true);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (selfSigned && certificate != null) {
            throw new IllegalArgumentException(
                    "--self-signed makes its own certificate: leave out --tls-cert and --tls-key");
        }
        return new ChatOptions(host, port, selfSigned, certificate, key, redis, metrics, dashboard, false);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static String redis(String value) {
        if (!value.startsWith("redis://") && !value.startsWith("rediss://")) {
            throw new IllegalArgumentException("--redis needs a redis:// or rediss:// URI, got " + value);
        }
        return value;
    }

    private static int port(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port needs a number, got " + value);
        }
    }
}
