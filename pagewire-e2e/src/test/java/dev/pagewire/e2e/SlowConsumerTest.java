package dev.pagewire.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.RunningServer;
import dev.pagewire.servlet.testing.Servers;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A browser that stops reading (docs/PROTOCOL.md §5, code 4503), on every server: once more than
 * {@code maxOutboundBytes} wait to be written to its WebSocket, the server drops the connection,
 * keeps the page for a resume and goes on serving everyone else. Driven by a plain socket that
 * completes the handshake and then reads nothing, with a small receive buffer so the backlog builds
 * in the server, not in the kernel.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Servers.class)
class SlowConsumerTest {

    private static final int MAX_OUTBOUND = 64 * 1024;

    @Parameter
    Servers kind;

    private Pagewire app;
    private RunningServer server;
    private final BlockingQueue<Page> pages = new LinkedBlockingQueue<>();
    private URI page;

    @BeforeEach
    void start() {
        app = Pagewire.create(s -> s.maxOutboundBytes(MAX_OUTBOUND));
        app.page("/p", (request, p) -> {
            p.on("ping", e -> p.emit("pong", e.data()));
            pages.add(p);
            return "<html><body>p</body></html>";
        });
        server = kind.start(app, Servers.Options.defaults().withWriteTimeout(Duration.ofSeconds(2)));
        page = server.uri().resolve("/p");
    }

    @AfterEach
    void stop() {
        server.close();
        app.close();
    }

    @Test
    void aBrowserThatStopsReadingLosesItsConnectionButNotItsPage() throws Exception {
        String token = TestSocket.token(TestSocket.render(page));
        Page stalled = pages.take();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", page.getPort()), 5000);
            // Generous: on a loaded machine a container's 2 s write timeout fires late.
            socket.setSoTimeout(30_000);
            handshake(socket, "/p?pagewire=" + token + "&ack=0");
            Wait.await(Duration.ofSeconds(10), "the stalled page connected", stalled::isConnected);

            int sent = Shedding.emitUntilShed(stalled);
            // Each frame is a little over its 1 KiB of data: shedding at sent = the limit in KiB is
            // right when none of it reached the socket yet (a loaded machine's event loop).
            assertTrue(sent * 1024L >= MAX_OUTBOUND, "shed after " + sent + " KiB, below the limit");
            // The connection is closed without waiting for the client to read: at once on Netty,
            // after the container's write timeout on Tomcat and Jetty; read to its end here.
            TestSocket.readUntilClosed(socket.getInputStream());
        }

        // Everyone else is served as before.
        try (TestSocket other = TestSocket.openPage(page)) {
            other.nextText(); // hello
            other.send("[\"ev\",\"ping\",7,1]");
            String pong = other.nextText();
            assertTrue(pong.startsWith("[\"ev\",\"pong\",7,1"), pong);
        }
        assertEquals(1, pages.size(), "the second page rendered");
    }

    /** Sends a WebSocket upgrade request and reads the response head, nothing after it. */
    private static void handshake(Socket socket, String target) throws Exception {
        // RFC 6455 §4.1: the key is 16 bytes, base64 (containers check it).
        String key = Base64.getEncoder().encodeToString("slow-consumer-16".getBytes(StandardCharsets.US_ASCII));
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = TestSocket.readHead(socket.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 101"), head);
    }
}
