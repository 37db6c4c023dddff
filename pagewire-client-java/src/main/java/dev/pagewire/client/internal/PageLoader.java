package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Renders a page with a GET and reads what its script element carries (docs/PROTOCOL.md §1, §9.6):
 * the page token and the client configuration. The channel lives at the page's own URL.
 */
public final class PageLoader {

    private static final Pattern TOKEN = Pattern.compile("data-pagewire-token\\s*=\\s*[\"']([^\"']+)[\"']");
    private static final Pattern CONFIG =
            Pattern.compile("data-pagewire-config\\s*=\\s*(?:'([^']*)'|\"([^\"]*)\")");

    /**
     * What the rendered page says.
     *
     * @param pageUrl the URL the page was rendered at (after redirects)
     * @param token the page token
     * @param connectTimeout the page's {@code connectTimeout}, or null when it names none
     */
    public record Rendered(URI pageUrl, String token, Duration connectTimeout) {

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
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(pageUrl)
                .version(HttpClient.Version.HTTP_1_1)
                .timeout(timeout)
                .header("Accept", "text/html")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + pageUrl + " was answered with HTTP " + response.statusCode()
                    + "; a Pagewire page route answers 200");
        }
        return parse(response.uri(), response.body());
    }

    static Rendered parse(URI pageUrl, String html) throws IOException {
        Matcher token = TOKEN.matcher(html);
        if (!token.find()) {
            throw new IOException("the page " + pageUrl + " has no data-pagewire-token: is it a Pagewire page route?");
        }
        Duration connectTimeout = null;
        Matcher config = CONFIG.matcher(html);
        if (config.find()) {
            String json = config.group(1) != null ? config.group(1) : config.group(2).replace("&quot;", "\"");
            try {
                JsonNode value = Frames.MAPPER.readTree(json).path("connectTimeout");
                if (value.isNumber() && value.asDouble() > 0) {
                    connectTimeout = Duration.ofMillis(value.asLong());
                }
            } catch (IOException e) {
                // An attribute that is not JSON is ignored (§9.6): the defaults apply.
            }
        }
        return new Rendered(pageUrl, token.group(1), connectTimeout);
    }
}
