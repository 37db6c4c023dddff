package dev.pagewire.examples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The chat started with {@code --metrics} serves Prometheus's scrape of its meters at {@code /metrics}. */
class ChatMetricsTest {

    @Test
    void withMetricsTheChatServesItsMetersAtSlashMetrics() throws Exception {
        ChatOptions options = ChatOptions.parse("--metrics", "--port", "0", "--host", "127.0.0.1");
        assertTrue(options.metrics());
        ChatApp.Running chat = ChatApp.start(ChatApp.settings(options), null, options.metrics());
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI base = chat.server().uri();
            assertEquals(
                    200,
                    http.send(HttpRequest.newBuilder(base.resolve("/")).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode());
            HttpResponse<String> scrape = http.send(
                    HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
            assertTrue(scrape.body().contains("pagewire_pages_total{kind=\"page\",node=\"0\"} 1.0"), scrape.body());
            assertTrue(scrape.body().contains("pagewire_ready{node=\"0\"} 1.0"), scrape.body());
        } finally {
            chat.close();
        }
    }
}
