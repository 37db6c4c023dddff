package dev.pagewire.gateway;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gateway's command line, parsed (docs/GATEWAY.md, "Run it").
 *
 * @param settings what the gateway does
 * @param redis the Redis URI of the cluster, or null
 * @param help only print {@link #USAGE}
 */
record GatewayOptions(GatewaySettings settings, String redis, boolean help) {

    /** The environment variable holding the shared secret. */
    static final String SECRET_VARIABLE = "PAGEWIRE_SECRET";

    static final String USAGE = """
        usage: java -jar pagewire-gateway.jar --backend URL [options]
          --backend URL         the backend's origin, e.g. http://127.0.0.1:8000 (required)
          --port N              port to listen on (default 8080; 0 picks a free one)
          --host H              address to listen on (default 0.0.0.0: every interface)
          --secret-file FILE    the secret shared with the backend (default: the environment
                                variable PAGEWIRE_SECRET); at least 32 characters
          --webhook URL         where every page's events go (default: the page's own URL)
          --endpoint PATH       an endpoint pages of other origins may open (repeatable)
          --api-url URL         the publish API's URL as the backend calls it (sent to it in the
                                Pagewire-Api header; default http://127.0.0.1:PORT/_pagewire/api)
          --allowed-origin O    another origin whose pages may open channels (repeatable)
          --redis URI           join the gateways on this Redis, e.g. redis://127.0.0.1:6379
          --tls-cert FILE       serve HTTPS with this PEM certificate chain (needs --tls-key)
          --tls-key FILE        the certificate's private key, PEM PKCS#8, unencrypted
          --webhook-timeout S   seconds one webhook attempt may take (default 10)
          --webhook-retries N   retries of a failed webhook (default 3)
          --backend-timeout S   seconds the backend may take to answer a request (default 60)
          --max-html-scan N     bytes of an HTML answer searched for <head> (default 65536)
          --max-context-bytes N largest Pagewire-Context, in bytes (default 4096)
          --help                print this and exit
        The secret: export PAGEWIRE_SECRET="$(openssl rand -hex 32)" for the gateway and the backend.
        """;

    /**
     * Parses {@code args}; the secret comes from {@code --secret-file} or {@code env}.
     *
     * @throws IllegalArgumentException saying which option is wrong or missing
     */
    static GatewayOptions parse(String[] args, Map<String, String> env) {
        String backend = null;
        String host = "0.0.0.0";
        int port = 8080;
        Path secretFile = null;
        String webhook = null;
        List<String> endpoints = new ArrayList<>();
        List<String> origins = new ArrayList<>();
        String apiUrl = null;
        String redis = null;
        Path certificate = null;
        Path key = null;
        Integer webhookTimeout = null;
        Integer webhookRetries = null;
        Integer backendTimeout = null;
        Integer maxHtmlScan = null;
        Integer maxContext = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--backend" -> backend = value(args, ++i, option);
                case "--port" -> port = number(value(args, ++i, option), option);
                case "--host" -> host = value(args, ++i, option);
                case "--secret-file" -> secretFile = Path.of(value(args, ++i, option));
                case "--webhook" -> webhook = value(args, ++i, option);
                case "--endpoint" -> endpoints.add(value(args, ++i, option));
                case "--allowed-origin" -> origins.add(value(args, ++i, option));
                case "--api-url" -> apiUrl = value(args, ++i, option);
                case "--redis" -> redis = redis(value(args, ++i, option));
                case "--tls-cert" -> certificate = Path.of(value(args, ++i, option));
                case "--tls-key" -> key = Path.of(value(args, ++i, option));
                case "--webhook-timeout" -> webhookTimeout = number(value(args, ++i, option), option);
                case "--webhook-retries" -> webhookRetries = number(value(args, ++i, option), option);
                case "--backend-timeout" -> backendTimeout = number(value(args, ++i, option), option);
                case "--max-html-scan" -> maxHtmlScan = number(value(args, ++i, option), option);
                case "--max-context-bytes" -> maxContext = number(value(args, ++i, option), option);
                case "--help", "-h" -> {
                    return new GatewayOptions(null, null, true);
                }
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (backend == null) {
            throw new IllegalArgumentException("--backend URL is required, e.g. --backend http://127.0.0.1:8000");
        }
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        String secret = secret(secretFile, env);
        GatewaySettings.Builder b = GatewaySettings.builder(uri(backend, "--backend"), secret);
        if (webhook != null) {
            b.webhook(uri(webhook, "--webhook"));
        }
        endpoints.forEach(b::endpoint);
        if (apiUrl != null) {
            b.apiUrl(uri(apiUrl, "--api-url"));
        }
        if (redis != null) {
            b.redis(redis);
        }
        if (webhookTimeout != null) {
            b.webhookTimeout(Duration.ofSeconds(webhookTimeout));
        }
        if (webhookRetries != null) {
            b.webhookRetries(webhookRetries);
        }
        if (backendTimeout != null) {
            b.backendTimeout(Duration.ofSeconds(backendTimeout));
        }
        if (maxHtmlScan != null) {
            b.maxHtmlScanBytes(maxHtmlScan);
        }
        if (maxContext != null) {
            b.maxContextBytes(maxContext);
        }
        if (!origins.isEmpty()) {
            b.app(s -> s.allowOrigins(origins.toArray(String[]::new)));
        }
        String h = host;
        int p = port;
        Path c = certificate;
        Path k = key;
        b.server(s -> {
            s.host(h).port(p);
            if (c != null) {
                s.tls(c, k);
            }
        });
        return new GatewayOptions(b.build(), redis, false);
    }

    private static String secret(Path file, Map<String, String> env) {
        if (file != null) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --secret-file " + file + ": " + e.getMessage());
            }
        }
        String secret = env.get(SECRET_VARIABLE);
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("no secret: set " + SECRET_VARIABLE
                    + " (e.g. export PAGEWIRE_SECRET=\"$(openssl rand -hex 32)\") for the gateway and the backend,"
                    + " or pass --secret-file FILE");
        }
        return secret.strip();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static URI uri(String value, String option) {
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " needs a URL, got " + value);
        }
    }

    private static String redis(String value) {
        if (!value.startsWith("redis://") && !value.startsWith("rediss://")) {
            throw new IllegalArgumentException("--redis needs a redis:// or rediss:// URI, got " + value);
        }
        return value;
    }

    private static int number(String value, String option) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got " + value);
        }
    }
}
