package dev.pagewire.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Spring Boot application on its embedded server, on a free port of 127.0.0.1: a page that a
 * controller renders through a view gets the client and its channel, over WebSocket and over
 * long-polling; a customizer's endpoint opens; a service pushes to pages through the Pagewire bean; the
 * application's other requests pass untouched.
 *
 * <p>The server is the one on the test class path: the build runs this class once with Tomcat and
 * once with Jetty (the system property {@code pagewire.test.server} says which is expected, so a
 * class path that brings the wrong one fails instead of testing the same server twice).
 */
class ControllerPageEndToEndTest {

    private static final Pattern TOKEN = Pattern.compile("data-pagewire-token=\"([^\"]+)\"");
    private static final Pattern CONN = Pattern.compile("\\[\"open\",\"([^\"]+)\"\\]");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static RunningOrders orders;
    private static ConfigurableApplicationContext context;
    private static URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private final List<WebSocket> sockets = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        orders = RunningOrders.start("pagewire.poll-timeout=500ms");
        context = orders.context();
        base = orders.base();
    }

    @AfterAll
    static void stop() {
        if (orders != null) {
            orders.close();
        }
    }

    @AfterEach
    void closeSockets() {
        sockets.forEach(WebSocket::abort);
        http.close();
    }

    @Test
    void theApplicationRunsOnTheExpectedServer() {
        String expected = System.getProperty("pagewire.test.server", "tomcat");
        String server = ((WebServerApplicationContext) context)
                .getWebServer()
                .getClass()
                .getName();
        assertThat(server.toLowerCase(Locale.ROOT)).contains(expected);
    }

    @Test
    void aControllersViewGetsTheClientInItsHead() throws Exception {
        HttpResponse<String> view = get("orders/42");

        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(view.body())
                .containsPattern("^<!doctype html><html><head><script type=\"module\""
                        + " src=\"/_pagewire/client\\.[0-9a-f]{16}\\.js\"");
        assertThat(view.body()).endsWith("<title>order 42</title></head><body>é</body></html>");
        assertThat(view.headers().firstValue("content-length"))
                .hasValue(String.valueOf(view.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(get("_pagewire/client.js").statusCode()).isEqualTo(200);
    }

    @Test
    void theControllersPageAnswersEventsOverWebSocket() throws Exception {
        Texts ws = webSocket("orders/7?pagewire=" + token(get("orders/7").body()));

        assertThat(ws.next()).startsWith("[\"hello\"");
        ws.socket.sendText("[\"ev\",\"say\",\"hi\",1]", true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(ws.nextMatching("[\"ev\",\"said\"")).startsWith("[\"ev\",\"said\",\"hi\"");
    }

    @Test
    void theControllersPageAnswersEventsOverLongPolling() throws Exception {
        String channel = "orders/8?pagewire=" + token(get("orders/8").body());
        HttpResponse<String> opened = get(channel + "&transport=longpolling");
        assertThat(opened.statusCode()).isEqualTo(200);
        Matcher m = CONN.matcher(opened.body());
        assertThat(m.find()).as(opened.body()).isTrue();
        String poll = channel + "&conn=" + m.group(1);

        HttpResponse<String> sent = http.send(
                HttpRequest.newBuilder(base.resolve(poll))
                        .timeout(WAIT)
                        .POST(HttpRequest.BodyPublishers.ofString("[\"ev\",\"say\",\"lp\",1]"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).isEqualTo(204);
        String delivered = "";
        Instant deadline = Instant.now().plus(WAIT);
        while (!delivered.contains("\"said\"") && Instant.now().isBefore(deadline)) {
            delivered += get(poll).body(); // answered empty after the poll timeout when nothing came yet
        }
        assertThat(delivered).contains("[\"ev\",\"said\",\"lp\"");
    }

    @Test
    void aServiceReachesThePagesThroughThePagewireBean() throws Exception {
        Texts ws = webSocket("orders/9?pagewire=" + token(get("orders/9").body()));
        assertThat(ws.next()).startsWith("[\"hello\"");

        context.getBean(OrdersApplication.Announcer.class).announce("shipped");

        assertThat(ws.nextMatching("[\"ev\",\"announced\"")).startsWith("[\"ev\",\"announced\",\"shipped\"");
    }

    @Test
    void theReadmesControllerPageSpeaksToItsRoom() throws Exception {
        Texts ws = webSocket("?pagewire=" + token(get("").body()));
        assertThat(ws.next()).startsWith("[\"hello\"");

        ws.socket.sendText("[\"ev\",\"say\",{\"text\":\"hi\"},1]", true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(ws.nextMatching("[\"ev\",\"message\"")).startsWith("[\"ev\",\"message\",{\"text\":\"hi\"}");
    }

    @Test
    void anEndpointFromACustomizerOpens() throws Exception {
        HttpResponse<String> opened = http.send(
                HttpRequest.newBuilder(base.resolve("stats"))
                        .header("Content-Type", "application/json")
                        .timeout(WAIT)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"params\":{}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
        assertThat(opened.body()).contains("\"token\":\"v1.");
    }

    @Test
    void theApplicationsOtherRequestsPassUntouched() throws Exception {
        HttpResponse<String> plain = get("plain");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body()).isEqualTo("plain");
        assertThat(plain.headers().firstValue("content-length")).hasValue("5");
        assertThat(get("nowhere").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(base.resolve(path)).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(String html) {
        Matcher m = TOKEN.matcher(html);
        assertThat(m.find()).as("a token in " + html).isTrue();
        return m.group(1);
    }

    private Texts webSocket(String pathAndQuery) throws Exception {
        Texts texts = new Texts();
        URI uri = URI.create("ws://" + base.getAuthority() + "/" + pathAndQuery);
        try {
            texts.socket =
                    http.newWebSocketBuilder().buildAsync(uri, texts).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                throw new AssertionError("handshake refused: " + h.getResponse().statusCode(), e);
            }
            throw e;
        }
        sockets.add(texts.socket);
        return texts;
    }

    /** A WebSocket client that keeps every text message. */
    private static final class Texts implements WebSocket.Listener {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        volatile WebSocket socket;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            received.add("closed " + code + " " + reason);
            return null;
        }

        String next() throws InterruptedException {
            String s = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(s).as("a message within " + WAIT).isNotNull();
            return s;
        }

        /** The next message starting with {@code prefix}, skipping others (pings, acks). */
        String nextMatching(String prefix) throws InterruptedException {
            Instant deadline = Instant.now().plus(WAIT);
            while (Instant.now().isBefore(deadline)) {
                String s =
                        received.poll(Duration.between(Instant.now(), deadline).toMillis(), TimeUnit.MILLISECONDS);
                if (s != null && s.startsWith(prefix)) {
                    return s;
                }
            }
            throw new AssertionError("no message starting with " + prefix + " within " + WAIT);
        }
    }
}
