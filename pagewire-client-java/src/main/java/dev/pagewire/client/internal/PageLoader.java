package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.ChannelRefusedException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gets a page token and the client configuration (docs/PROTOCOL.md §1, §9.6): from a page rendered
 * with a GET (its script element carries them), or from an endpoint opened with a POST (§12.2,
 * a page without HTML). The channel lives at the page's, or the endpoint's, own URL.
 */
public final class PageLoader {

    private static final Pattern TOKEN = Pattern.compile("data-pagewire-token\\s*=\\s*[\"']([^\"']+)[\"']");
    private static final Pattern CONFIG = Pattern.compile("data-pagewire-config\\s*=\\s*(?:'([^']*)'|\"([^\"]*)\")");

    /**
     * The deadlines of a client configuration (§9.6); each null when it names none.
     *
     * @param connectTimeout how long a transport with a next one may take for its probe
     * @param upgradeAfter how long a client on a fallback waits before it tries WebSocket again
     * @param rememberFor how long a remembered fallback counts
     */
    public record Deadlines(Duration connectTimeout, Duration upgradeAfter, Duration rememberFor) {

        /** A configuration that names nothing: the client's defaults apply. */
        public static final Deadlines NONE = new Deadlines(null, null, null);

        /** Reads a configuration object; keys it does not know, and values that are not positive numbers, are ignored. */
        static Deadlines of(JsonNode config) {
            return new Deadlines(
                    millis(config, "connectTimeout"), millis(config, "upgradeAfter"), millis(config, "rememberFor"));
        }

        private static Duration millis(JsonNode config, String key) {
            JsonNode value = config.path(key);
            return value.isNumber() && value.asDouble() > 0 ? Duration.ofMillis(value.asLong()) : null;
        }
    }

    /**
     * What the rendered page (or the admitted endpoint) says.
     *
     * @param pageUrl the URL the page was rendered at (after redirects), or the endpoint's
     * @param token the page token
     * @param deadlines the page's client configuration
     */
    public record Rendered(URI pageUrl, String token, Deadlines deadlines) {

        /** The page's {@code connectTimeout}, or null when it names none. */
        public Duration connectTimeout() {
            return deadlines.connectTimeout();
        }

        /** {@code scheme://host:port} of the page: what a remembered fallback is keyed by (§9.2). */
        public String origin() {
            int port = pageUrl.getPort() >= 0
                    ? pageUrl.getPort()
                    : pageUrl.getScheme().equalsIgnoreCase("https") ? 443 : 80;
            return pageUrl.getScheme().toLowerCase() + "://" + pageUrl.getHost().toLowerCase() + ":" + port;
        }

        /** {@code http(s)://host/path?pagewire=TOKEN}: the base of every fallback request. */
        public String httpBase() {
            return origin(pageUrl.getScheme()) + "?pagewire=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        }

        /** {@code ws(s)://host/path?pagewire=TOKEN}. */
        public String webSocketBase() {
            String scheme = pageUrl.getScheme().equalsIgnoreCase("https") ? "wss" : "ws";
            return origin(scheme) + "?pagewire=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        }

        private String origin(String scheme) {
            String path = pageUrl.getRawPath() == null || pageUrl.getRawPath().isEmpty() ? "/" : pageUrl.getRawPath();
            return scheme + "://" + pageUrl.getRawAuthority() + path;
        }
    }

    private PageLoader() {}

    /**
     * GETs {@code pageUrl} and reads its token.
     *
     * @throws IOException if the GET fails, is not answered with 200, or the HTML has no page token
     */
    public static Rendered load(HttpClient http, URI pageUrl, Duration timeout)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(pageUrl)
                        .version(HttpClient.Version.HTTP_1_1)
                        .timeout(timeout)
                        .header("Accept", "text/html")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + pageUrl + " was answered with HTTP " + response.statusCode()
                    + "; a Pagewire page route answers 200");
        }
        return parse(response.uri(), response.body());
    }

    /**
     * Opens an endpoint connection (§12.2): POSTs {@code {"params": …}} to {@code endpointUrl} and
     * reads the token and configuration of the page without HTML the server made for it.
     *
     * @throws ChannelRefusedException if the endpoint's authorizer refused ({@code refused}, with its
     *     reason), the server does not allow the request's Origin ({@code origin}), or no endpoint
     *     is at that path ({@code not_found})
     * @throws IOException if the POST fails, or is answered otherwise (status and body in the message)
     */
    public static Rendered openEndpoint(HttpClient http, URI endpointUrl, JsonNode params, Duration timeout)
            throws IOException, InterruptedException {
        String body = "{\"params\":" + Frames.text(params) + "}";
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(endpointUrl)
                        .version(HttpClient.Version.HTTP_1_1)
                        .timeout(timeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return admitted(
                endpointUrl,
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    /** Reads the answer to an endpoint's opening POST (§12.2, the table of answers). */
    static Rendered admitted(URI endpointUrl, int status, String contentType, String body) throws IOException {
        boolean json = contentType.toLowerCase().startsWith("application/json");
        String what = "POST " + endpointUrl + " was answered with HTTP " + status;
        if (status == 200 && json) {
            JsonNode answer = readJson(body, what);
            if (!answer.path("token").isTextual()
                    || answer.path("token").textValue().isEmpty()) {
                throw new IOException(what + " without a token: " + body);
            }
            return new Rendered(endpointUrl, answer.path("token").textValue(), Deadlines.of(answer.path("config")));
        }
        if (status == 403 && json) {
            JsonNode refusal = readJson(body, what);
            throw new ChannelRefusedException(
                    refusal.path("code").asText("refused"),
                    refusal.path("reason").asText(""));
        }
        if (status == 403) {
            // Without CORS headers: a browser sees a network error and reports code origin too.
            throw new ChannelRefusedException(
                    "origin", body.isBlank() ? "the server does not allow this Origin" : body.strip());
        }
        if (status == 404) {
            throw new ChannelRefusedException(
                    "not_found", body.isBlank() ? "no endpoint at " + endpointUrl.getPath() : body.strip());
        }
        String hint =
                status == 200 ? " (" + contentType + ", not the JSON of an endpoint: is it a Pagewire endpoint?)" : "";
        throw new IOException(what + hint + ": " + body.strip());
    }

    private static JsonNode readJson(String body, String what) throws IOException {
        try {
            return Frames.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IOException(what + " and a body that is not JSON: " + body, e);
        }
    }

    static Rendered parse(URI pageUrl, String html) throws IOException {
        Matcher token = TOKEN.matcher(html);
        if (!token.find()) {
            throw new IOException("the page " + pageUrl + " has no data-pagewire-token: is it a Pagewire page route?");
        }
        Deadlines deadlines = Deadlines.NONE;
        Matcher config = CONFIG.matcher(html);
        if (config.find()) {
            String json =
                    config.group(1) != null ? config.group(1) : config.group(2).replace("&quot;", "\"");
            try {
                deadlines = Deadlines.of(Frames.MAPPER.readTree(json));
            } catch (IOException e) {
                // An attribute that is not JSON is ignored (§9.6): the defaults apply.
            }
        }
        return new Rendered(pageUrl, token.group(1), deadlines);
    }
}
