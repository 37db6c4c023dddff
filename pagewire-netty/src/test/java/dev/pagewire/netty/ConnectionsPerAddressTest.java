package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.TestSocket;
import dev.pagewire.netty.testing.Wait;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ServerSettings.maxConnectionsPerAddress}: one host cannot hold more TCP connections than
 * its limit (issue 15: connections per address). The test's client is on loopback, a private
 * address, so the limit under test is the private one; the public one is the same code.
 */
class ConnectionsPerAddressTest {

    private static final int LIMIT = 3;

    private Pagewire app;
    private PagewireServer server;
    private final List<Socket> sockets = new ArrayList<>();

    private void start(int perPrivateAddress) {
        app = Pagewire.create();
        app.page("/p", (request, page) -> "<html><head></head><body>p</body></html>");
        server = PagewireServer.start(
                app, s -> s.host("127.0.0.1").port(0).maxConnectionsPerPrivateAddress(perPrivateAddress));
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        server.close();
        app.close();
    }

    @Test
    void aConnectionOverTheLimitIsClosedBeforeItIsReadAndOneClosingMakesRoom() throws Exception {
        start(LIMIT);
        for (int i = 0; i < LIMIT; i++) {
            assertEquals(200, status(connect()), "connection " + (i + 1) + " of " + LIMIT);
        }
        Socket over = connect();
        assertEquals(-1, status(over), "closed without an answer");

        sockets.get(0).close();
        // The server counts the close when it sees it: until then a new connection is refused.
        Wait.await(Duration.ofSeconds(10), "room for a new connection", () -> {
            try {
                return status(connect()) == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void zeroMeansNoLimitAndIsTheDefaultForPrivateAddresses() throws Exception {
        start(0);
        for (int i = 0; i < 20; i++) {
            assertEquals(200, status(connect()));
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.connect(new InetSocketAddress("127.0.0.1", server.uri().getPort()), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends one GET on {@code socket} and returns its status, or -1 when the server closed instead. */
    private static int status(Socket socket) throws IOException {
        try {
            socket.getOutputStream()
                    .write("GET /p HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            int first = in.read();
            if (first < 0) {
                return -1;
            }
            String head = (char) first + TestSocket.readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 "), head);
            return Integer.parseInt(head.substring(9, 12));
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("reset")) {
                return -1; // closed while our request was on its way
            }
            throw e;
        }
    }
}
