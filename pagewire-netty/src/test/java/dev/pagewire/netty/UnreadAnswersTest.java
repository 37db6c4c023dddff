package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.netty.testing.RawWebSocket;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.netty.testing.Wait;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that sends HTTP requests and does not read the answers (issue 15: 2,000 pipelined GETs,
 * never read, had the server queue every answer): the server stops answering and reading while
 * the connection's answers wait, and goes on, losing none, once the client reads.
 */
class UnreadAnswersTest {

    /** Below the HTTP decoder's own limit of requests in flight (Netty's maxPipelineDepth, 128). */
    private static final int REQUESTS = 100;

    private static final String BODY = "x".repeat(1024 * 1024);

    private Pagewire app;
    private PagewireServer server;
    private final AtomicInteger renders = new AtomicInteger();

    @BeforeEach
    void start() {
        // A hundred renders in a burst: more than one client's default rate, which is not under test.
        app = Pagewire.create(s -> s.clientLimits(new Settings.ClientLimits(1000, 1000, 1000, null)));
        app.page("/big", (request, page) -> {
            renders.incrementAndGet();
            return "<html><head></head><body>" + BODY + "</body></html>";
        });
        server = PagewireServer.start(app, s -> s.host("127.0.0.1").port(0));
    }

    @AfterEach
    void stop() {
        server.close();
        app.close();
    }

    @Test
    void pipelinedRequestsWaitWhileTheirAnswersAreNotReadAndAreAllAnsweredOnceTheyAre() throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", server.uri().getPort()), 5000);
            byte[] one = "GET /big HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < REQUESTS; i++) {
                all.write(one);
            }
            // Written from another thread: once the server stops reading, this write blocks.
            OutputStream out = socket.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(all.toByteArray());
                    out.flush();
                } catch (IOException e) {
                    // the socket closed at the test's end
                }
            });

            // Nothing read: the renders stop well short of the requests sent, at what the kernel's
            // socket buffers hold. Without the bound every request was answered into the server's
            // memory (100 MiB here; up to 128 answers of any size).
            AtomicLong last = new AtomicLong(-1);
            AtomicLong stableSince = new AtomicLong(System.nanoTime());
            Wait.await(Duration.ofSeconds(20), "the server to stop answering an unread connection", () -> {
                long n = renders.get();
                long now = System.nanoTime();
                if (n != last.getAndSet(n)) {
                    stableSince.set(now);
                    return false;
                }
                return now - stableSince.get() > Duration.ofSeconds(1).toNanos();
            });
            int answeredUnread = renders.get();
            assertTrue(
                    answeredUnread < REQUESTS / 4,
                    answeredUnread + " of " + REQUESTS + " requests answered while nothing was read");

            // Reading now: every request is answered, in order, none lost.
            InputStream in = socket.getInputStream();
            int responses = countResponses(in, REQUESTS);
            assertEquals(REQUESTS, responses);
            assertEquals(REQUESTS, renders.get());
            writer.join(Duration.ofSeconds(10));
        }
    }

    @Test
    void webSocketPingsFromAClientThatReadsNothingAreNotAllAnswered() throws Exception {
        URI page = server.uri().resolve("/big");
        URI channel = TestSocket.channelUri(page, TestSocket.token(TestSocket.render(page)));
        int pings = 200_000;
        try (RawWebSocket socket = RawWebSocket.open(channel, false)) {
            // 125-byte pings, each answered by a pong of the same payload: 25 MB of answers, more
            // than the sockets' buffers hold, which the server would queue if it answered them all.
            byte[] payload = new byte[125];
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < pings; i++) {
                all.writeBytes(RawWebSocket.frame(0x80, RawWebSocket.PING, payload));
            }
            all.writeBytes(RawWebSocket.frame(0x80, RawWebSocket.CLOSE, RawWebSocket.closePayload(1000)));
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    socket.sendRaw(all.toByteArray());
                } catch (IOException e) {
                    // the server may close first
                }
            });
            writer.join(Duration.ofSeconds(30));
            // Only now reading: the pongs the server sent while nothing was read, then its close.
            int pongs = socket.countUntilClose(RawWebSocket.PONG);
            assertTrue(pongs < pings / 2, pongs + " pongs for " + pings + " unread pings: the server queued them all");
            assertTrue(pongs > 0, "pings are answered while the client reads");
        }
    }

    /** Reads {@code expected} responses, each a 200 with a Content-Length body; the number read. */
    private static int countResponses(InputStream in, int expected) throws IOException {
        int n = 0;
        while (n < expected) {
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            int length = -1;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            assertTrue(length > BODY.length(), "a whole page: " + head);
            in.readNBytes(length);
            n++;
        }
        return n;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head.size() + " bytes of a head");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
