package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Settings;
import dev.pagewire.internal.App;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.testing.FakeExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One client's page renders and channel opens per second (Settings.ClientLimits). */
class ClientRatesTest {

    private App app;

    private void start(Settings.ClientLimits limits) {
        app = new App(Settings.builder().clientLimits(limits).build());
        app.page("/p", (request, page) -> "<html><head></head><body>p</body></html>");
        app.endpoint("/e", channel -> {});
    }

    @AfterEach
    void close() {
        app.close();
    }

    private int status(FakeExchange exchange) {
        assertTrue(app.handle(exchange));
        return exchange.response().status();
    }

    @Test
    void rendersBeyondABurstOfTwiceTheRateAre429AndOtherClientsAreNotHeldBack() {
        start(new Settings.ClientLimits(5, 100, 100, null));
        for (int i = 0; i < 10; i++) {
            assertEquals(200, status(FakeExchange.get("/p").from("10.0.0.1")), "render " + i);
        }
        FakeExchange over = FakeExchange.get("/p").from("10.0.0.1");
        assertTrue(app.handle(over));
        HttpResponse refused = over.response();
        assertEquals(429, refused.status());
        assertEquals("1", refused.headers().get("Retry-After"));
        assertTrue(refused.reason().contains("page renders"), refused.reason());

        assertEquals(200, status(FakeExchange.get("/p").from("10.0.0.2")), "another client");
    }

    @Test
    void channelOpensAreCountedApartFromRendersAndPollsAreNoOpens() {
        start(new Settings.ClientLimits(100, 1, 100, null));
        assertEquals(200, status(FakeExchange.get("/p")));
        for (int i = 0; i < 2; i++) {
            FakeExchange open = FakeExchange.post("/e", "{}");
            assertTrue(app.handle(open));
            assertFalse(open.response().status() == 429, "open " + i);
        }
        FakeExchange third = FakeExchange.post("/e", "{}");
        assertTrue(app.handle(third));
        assertEquals(429, third.response().status());
        // A fallback's poll names its connection: not an open, never counted.
        FakeExchange poll = FakeExchange.get("/p?pagewire=v1.x&conn=abc&ack=0");
        assertTrue(app.handle(poll));
        assertFalse(poll.responded() && poll.response().status() == 429, "a poll is no open");
    }

    @Test
    void behindATrustedProxyTheClientIsTheLastAddressItsHeaderNames() {
        start(new Settings.ClientLimits(1, 100, 100, "X-Forwarded-For"));
        // All through one proxy address, from two clients.
        for (int i = 0; i < 2; i++) {
            assertEquals(200, status(FakeExchange.get("/p").header("X-Forwarded-For", "1.1.1.1, 10.0.0.7")));
        }
        assertEquals(429, status(FakeExchange.get("/p").header("X-Forwarded-For", "9.9.9.9, 10.0.0.7")));
        assertEquals(200, status(FakeExchange.get("/p").header("X-Forwarded-For", "10.0.0.8")));
    }
}
