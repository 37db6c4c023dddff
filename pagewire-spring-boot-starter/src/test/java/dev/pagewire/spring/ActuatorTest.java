package dev.pagewire.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagewire.Pagewire;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * With Actuator on the class path, a real Spring Boot application shows Pagewire in
 * {@code /actuator/metrics} (the starter's MeterBinder) and in {@code /actuator/health} (its health
 * contributor), which turns {@code OUT_OF_SERVICE} and {@code 503} once the node drains.
 */
class ActuatorTest {

    private static RunningOrders orders;
    private static ConfigurableApplicationContext context;
    private static URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        orders = RunningOrders.start(
                "pagewire.drain-timeout=100ms",
                "management.endpoints.web.exposure.include=health,metrics",
                "management.endpoint.health.show-components=always");
        context = orders.context();
        base = orders.base();
    }

    @AfterAll
    static void stop() {
        if (orders != null) {
            orders.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsAndHealthShowPagewireAndDrainingTakesTheNodeOutOfService() throws Exception {
        assertThat(get("orders/7").statusCode()).isEqualTo(200);

        HttpResponse<String> pages = get("actuator/metrics/pagewire.pages");
        assertThat(pages.statusCode()).isEqualTo(200);
        assertThat(pages.body()).contains("\"value\":1.0").contains("\"kind\"");
        assertThat(get("actuator/metrics").body()).contains("pagewire.pages.live", "pagewire.closes");

        HttpResponse<String> health = get("actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"pagewire\":{\"status\":\"UP\"");

        context.getBean(Pagewire.class).drain(); // the rendered page is told to reload after 100 ms

        HttpResponse<String> draining = get("actuator/health");
        assertThat(draining.statusCode()).isEqualTo(503);
        assertThat(draining.body()).contains("\"pagewire\":{\"status\":\"OUT_OF_SERVICE\"");
        assertThat(get("_pagewire/health/ready").statusCode()).isEqualTo(503);
    }
}
