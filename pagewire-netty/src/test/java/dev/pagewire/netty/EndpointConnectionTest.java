package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagewire.Access;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.TestSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/PROTOCOL.md §12 over the embedded server: endpoint connections opened by POST, their CORS
 * answers, and channels to endpoints on a page's WebSocket.
 */
class EndpointConnectionTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FRIEND = "https://friend.example";

    private Pagewire app;
    private PagewireServer server;

    @BeforeEach
    void start() throws Exception {
        start(false);
    }

    private void start(boolean credentials) throws Exception {
        app = Pagewire.create(s -> s.allowOrigins(FRIEND).allowCredentials(credentials));
        app.page("/p", (request, page) -> "<p>p</p>");
        app.endpoint(
                "/stocks",
                channel -> channel.on(
                        "quote",
                        e -> channel.emit(
                                "price",
                                JSON.createObjectNode()
                                        .put(
                                                "symbol",
                                                channel.params().path("symbol").asText())
                                        .put("price", 42))));
        app.endpoint(
                "/vault",
                request ->
                        "open".equals(request.params().asText()) ? Access.grant() : Access.deny("the vault is closed"),
                channel -> {});
        server = PagewireServer.start(app, s -> s.host("127.0.0.1").port(0));
    }

    @AfterEach
    void stop() {
        server.close();
        app.close();
    }

    private HttpResponse<String> post(String path, String body, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path))
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The next frame that is not a standalone ack (which the server sends when its timer says). */
    private static String nextData(TestSocket socket) throws InterruptedException {
        while (true) {
            String text = socket.nextText();
            if (!text.startsWith("[\"ack\"")) {
                return text;
            }
        }
    }

    @Test
    void anEndpointConnectionOpensByPostAndThenTalksOverAWebSocket() throws Exception {
        HttpResponse<String> opened = post("/stocks", "{\"params\":{\"symbol\":\"ACME\"}}", FRIEND);
        assertEquals(200, opened.statusCode(), opened.body());
        assertEquals(Optional.of(FRIEND), opened.headers().firstValue("Access-Control-Allow-Origin"));
        assertEquals(Optional.empty(), opened.headers().firstValue("Access-Control-Allow-Credentials"));
        JsonNode body = JSON.readTree(opened.body());
        String token = body.path("token").asText();
        assertTrue(body.path("config").path("connectTimeout").isNumber(), opened.body());

        TestSocket socket = TestSocket.open(TestSocket.channelUri(server.uri().resolve("/stocks"), token), FRIEND);
        assertTrue(socket.nextText().startsWith("[\"hello\""));
        socket.send("[\"ev\",\"quote\",null,1]");
        assertEquals("[\"ev\",\"price\",{\"symbol\":\"ACME\",\"price\":42},1,1]", socket.nextText());
    }

    @Test
    void aRefusingAuthorizerAnswers403WithItsReasonReadableAcrossOrigins() throws Exception {
        HttpResponse<String> refused = post("/vault", "{\"params\":\"shut\"}", FRIEND);
        assertEquals(403, refused.statusCode());
        assertEquals("{\"code\":\"refused\",\"reason\":\"the vault is closed\"}", refused.body());
        assertEquals(Optional.of(FRIEND), refused.headers().firstValue("Access-Control-Allow-Origin"));
        assertEquals(200, post("/vault", "{\"params\":\"open\"}", FRIEND).statusCode());
    }

    @Test
    void anOriginNotOnTheAllowListIsRefusedWithoutCorsHeaders() throws Exception {
        HttpResponse<String> refused = post("/stocks", "{}", "https://stranger.example");
        assertEquals(403, refused.statusCode());
        assertEquals("origin not allowed: https://stranger.example\n", refused.body());
        assertFalse(refused.headers().firstValue("Access-Control-Allow-Origin").isPresent());
        assertEquals(0, app.pageCount(), "no page was created for a refused origin");
    }

    @Test
    void credentialsAreAllowedOnlyWhenTheApplicationSaysSo() throws Exception {
        stop();
        start(true);
        HttpResponse<String> opened = post("/stocks", "{}", FRIEND);
        assertEquals(200, opened.statusCode());
        assertEquals(Optional.of("true"), opened.headers().firstValue("Access-Control-Allow-Credentials"));
    }

    @Test
    void preflightsAreAnsweredForAllowedOriginsOnly() throws Exception {
        HttpResponse<String> allowed = HTTP.send(
                HttpRequest.newBuilder(server.uri().resolve("/stocks"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", FRIEND)
                        .header("Access-Control-Request-Method", "POST")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, allowed.statusCode());
        assertEquals(Optional.of("GET, POST"), allowed.headers().firstValue("Access-Control-Allow-Methods"));
        assertEquals(Optional.of(FRIEND), allowed.headers().firstValue("Access-Control-Allow-Origin"));
        HttpResponse<String> refused = HTTP.send(
                HttpRequest.newBuilder(server.uri().resolve("/p"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", "https://stranger.example")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, refused.statusCode());
    }

    @Test
    void endpointsAnswerOtherRequestsWithClearStatuses() throws Exception {
        assertEquals(404, post("/nowhere", "{}", null).statusCode());
        assertEquals(400, post("/stocks", "not json", null).statusCode());
        HttpResponse<String> get = HTTP.send(
                HttpRequest.newBuilder(server.uri().resolve("/stocks")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
    }

    @Test
    void aPageOpensAChannelToAnEndpointOnItsOwnWebSocket() throws Exception {
        TestSocket socket = TestSocket.openPage(server.uri().resolve("/p"));
        assertTrue(socket.nextText().startsWith("[\"hello\""));
        socket.send("[\"chopen\",1,\"/stocks\",{\"symbol\":\"XYZ\"},1]");
        socket.send("[1,\"ev\",\"quote\",null,2]");
        // The acks these frames carry depend on timing: only the frames themselves are compared.
        assertTrue(nextData(socket).startsWith("[\"chok\",1,1"));
        String price = nextData(socket);
        assertTrue(price.startsWith("[1,\"ev\",\"price\",{\"symbol\":\"XYZ\",\"price\":42},2"), price);
        socket.send("[\"chopen\",2,\"/vault\",\"shut\",3]");
        String refused = nextData(socket);
        assertTrue(refused.startsWith("[\"chclose\",2,\"refused\",\"the vault is closed\",3"), refused);
    }
}
