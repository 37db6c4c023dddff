package dev.pagewire.netty.testing;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain HTTP client of the fallback transports for tests (docs/PROTOCOL.md §8), on the JDK's
 * {@code java.net.http}: opens an SSE stream or a long-polling connection, collects the frame lines
 * the server sends, in order, and POSTs frame lines.
 */
public final class TestFallback implements AutoCloseable {

    public static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final Pattern CONN = Pattern.compile("^\\[\"open\",\"([^\"]+)\"]$");

    /** Frame lines received, in order (including {@code open}, {@code hello}, pings). */
    public final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    /** Completes when the down channel ends (stream over, or a poll answered 410). */
    public final CompletableFuture<Void> ended = new CompletableFuture<>();

    public final URI page;
    public final String token;
    public final String transport;
    /** Extra query parameters of the opening request, e.g. {@code "ack=5"}, or empty. */
    public final String openQuery;

    /** The client this one sends with: {@link #HTTP} unless given (an HTTP/2 one, say). */
    private final HttpClient http;

    private volatile String conn;
    private volatile boolean closed;
    private final List<String> rawStream = new ArrayList<>();
    private Thread reader;
    public HttpResponse<?> openResponse;

    private TestFallback(URI page, String token, String transport, String openQuery, HttpClient http) {
        this.http = http;
        this.page = page;
        this.token = token;
        this.transport = transport;
        this.openQuery = openQuery;
    }

    /** Renders {@code page} and opens its channel over {@code transport} ("sse" or "longpolling"). */
    public static TestFallback openPage(URI page, String transport) throws Exception {
        return open(page, TestSocket.token(TestSocket.render(page)), transport);
    }

    public static TestFallback open(URI page, String token, String transport) throws Exception {
        return open(page, token, transport, "");
    }

    /** Opens with extra query parameters on the opening request, e.g. {@code "ack=5"} to resume. */
    public static TestFallback open(URI page, String token, String transport, String openQuery) throws Exception {
        return open(page, token, transport, openQuery, HTTP);
    }

    /** Renders {@code page} and opens its channel, every request sent with {@code http}. */
    public static TestFallback openPage(URI page, String transport, HttpClient http) throws Exception {
        return open(page, TestSocket.token(TestSocket.render(page, http)), transport, "", http);
    }

    /** As {@link #open(URI, String, String, String)}, every request sent with {@code http}. */
    public static TestFallback open(URI page, String token, String transport, String openQuery, HttpClient http)
            throws Exception {
        TestFallback client = new TestFallback(page, token, transport, openQuery, http);
        if (transport.equals("sse")) {
            client.startSse();
        } else {
            client.startLongPolling();
        }
        return client;
    }

    public static URI channel(URI page, String token, String query) {
        return URI.create(page.getScheme() + "://" + page.getAuthority() + page.getPath() + "?pagewire="
                + URLEncoder.encode(token, StandardCharsets.UTF_8) + (query.isEmpty() ? "" : "&" + query));
    }

    private void startSse() throws Exception {
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(
                                channel(page, token, "transport=sse" + (openQuery.isEmpty() ? "" : "&" + openQuery)))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        openResponse = response;
        reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (rawStream) {
                        rawStream.add(line);
                    }
                    if (line.startsWith("data: ")) {
                        received(line.substring("data: ".length()));
                    }
                }
            } catch (Exception e) {
                // aborted by close()
            } finally {
                ended.complete(null);
            }
        });
    }

    private void startLongPolling() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(channel(
                                page, token, "transport=longpolling" + (openQuery.isEmpty() ? "" : "&" + openQuery)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        openResponse = response;
        receivedBody(response.body());
        reader = Thread.ofVirtual().start(() -> {
            try {
                while (!closed && conn != null) {
                    HttpResponse<String> poll = http.send(
                            HttpRequest.newBuilder(channel(page, token, "conn=" + conn))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (poll.statusCode() != 200) {
                        lines.add(
                                "HTTP " + poll.statusCode() + " " + poll.body().strip());
                        break;
                    }
                    if (receivedBody(poll.body())) {
                        break;
                    }
                }
            } catch (Exception e) {
                // aborted by close()
            } finally {
                ended.complete(null);
            }
        });
    }

    /** @return whether the body held the close frame */
    private boolean receivedBody(String body) {
        boolean close = false;
        for (String line : body.split("\n")) {
            if (!line.isEmpty()) {
                received(line);
                close |= line.startsWith("[\"close\"");
            }
        }
        return close;
    }

    private void received(String line) {
        Matcher m = CONN.matcher(line);
        if (conn == null && m.matches()) {
            conn = m.group(1);
        }
        lines.add(line);
    }

    /** The connection id from the {@code open} frame, waiting for it. */
    public String conn() {
        Wait.await(Duration.ofSeconds(10), "the open frame", () -> conn != null);
        return conn;
    }

    /** The next frame line, waiting at most 10 s. */
    public String next() throws InterruptedException {
        String line = lines.poll(10, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("no frame line within 10 s");
        }
        return line;
    }

    /** The next frame line that is not a ping, an open or a hello. */
    public String nextEvent() throws InterruptedException {
        while (true) {
            String line = next();
            if (!line.equals("[\"ping\"]") && !line.startsWith("[\"open\"") && !line.startsWith("[\"hello\"")) {
                return line;
            }
        }
    }

    /** The SSE stream's raw lines so far (comments and blank lines included). */
    public List<String> rawStream() {
        synchronized (rawStream) {
            return List.copyOf(rawStream);
        }
    }

    /** POSTs frame lines; returns the response. */
    public HttpResponse<String> post(String... frameLines) throws Exception {
        return postFrom(null, String.join("\n", frameLines));
    }

    /** POSTs a raw body with an {@code Origin} header (none if null). */
    public HttpResponse<String> postFrom(String origin, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(channel(page, token, "conn=" + conn()))
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        closed = true;
        if (openResponse != null && openResponse.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (Exception e) {
                // already gone
            }
        }
        if (reader != null) {
            reader.interrupt();
        }
    }
}
