package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.spi.HttpResponse;
import dev.pagewire.testing.FakeExchange;
import dev.pagewire.testing.Wait;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A long-polling connection's down channel at the edges of its close (docs/PROTOCOL.md §8.4). */
class LongPollConnectionTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void aPollThatArrivesWhileTheServerClosesGetsTheCloseFrameNot410() throws Exception {
        LongPollConnection connection = new LongPollConnection(
                "c1", "p1", new FallbackConnections(), Duration.ofSeconds(10), timer, new HttpResponse.Headers());
        connection.answerOpen(FakeExchange.get("/t?pagewire=x&transport=longpolling")); // takes the open frame
        FakeExchange poll = FakeExchange.get("/t?pagewire=x&conn=c1");
        Thread closer;
        // close() sets the code, then queues the close frame under the connection's monitor: holding
        // that monitor here stops the close right between the two, where the poll comes in.
        synchronized (connection) {
            closer = Thread.ofPlatform().start(() -> connection.close(4000, "page closed"));
            Wait.await(
                    "the close to have set its code and to wait for the monitor",
                    () -> connection.isClosed() && closer.getState() == Thread.State.BLOCKED);
            assertTrue(connection.poll(poll), "answered 410: the client would take the page for lost");
        }
        closer.join(Wait.LONG.toMillis());
        String delivered = poll.response().bodyText();
        assertTrue(delivered.startsWith("[\"close\",4000,\"page closed\"]"), delivered);
    }
}
