package dev.pagewire.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.Settings;
import dev.pagewire.netty.ServerSettings;
import dev.pagewire.spi.Connection;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.OutFrame;
import dev.pagewire.spi.Protocol;
import dev.pagewire.spi.ResponseStream;
import dev.pagewire.spi.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The Netty adapter at its seam, without a socket: bytes of HTTP requests go into an
 * {@link EmbeddedChannel} carrying the server's pipeline, the exchanges the protocol receives are
 * checked, and the bytes its answers become are read back.
 */
class NettyAdapterTest {

    /** A protocol that records each exchange and answers with {@code answer} (returning false: not ours). */
    private static final class Recording implements Protocol {
        final List<HttpExchange> exchanges = new CopyOnWriteArrayList<>();
        final Settings settings = Settings.builder().compression(false).build();
        Function<HttpExchange, Boolean> answer = e -> false;

        @Override
        public Settings settings() {
            return settings;
        }

        @Override
        public boolean claims(HttpExchange exchange) {
            return true;
        }

        @Override
        public boolean handle(HttpExchange exchange) {
            exchanges.add(exchange);
            return answer.apply(exchange);
        }

        @Override
        public void batchHandlerStarts(Executor endOfPass) {}

        @Override
        public String clientScript(Page page, String contextPath) {
            return "";
        }

        @Override
        public String injectClient(String html, Page page, String contextPath) {
            return html;
        }
    }

    private final Recording protocol = new Recording();

    private EmbeddedChannel channel(boolean webSocket) {
        EmbeddedChannel channel = new EmbeddedChannel();
        ServerInitializer.addHandlers(
                channel.pipeline(),
                protocol,
                ServerSettings.builder()
                        .maxHeaderBytes(1024)
                        .webSocket(webSocket)
                        .build(),
                null,
                null);
        return channel;
    }

    private static void send(EmbeddedChannel channel, String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
    }

    private static String written(EmbeddedChannel channel) {
        channel.runPendingTasks();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object o;
        while ((o = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) o;
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            buf.release();
            out.writeBytes(bytes);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aRequestReachesTheProtocolAsAnExchange() {
        EmbeddedChannel channel = channel(true);
        send(
                channel,
                "POST /chat?pagewire=t&conn=c HTTP/1.1\r\nHost: app.example\r\nOrigin: http://app.example\r\n"
                        + "Content-Length: 3\r\n\r\nabc");
        HttpExchange exchange = protocol.exchanges.getFirst();
        assertEquals("POST", exchange.method());
        assertEquals("/chat?pagewire=t&conn=c", exchange.target());
        assertEquals("app.example", exchange.header("host"));
        assertEquals(1, exchange.headerCount("Origin"));
        assertEquals("HTTP/1.1", exchange.version());
        assertEquals("abc", new String(exchange.body(), StandardCharsets.UTF_8));
        assertFalse(exchange.secure());
    }

    @Test
    void whatTheProtocolDoesNotTakeIs404() {
        EmbeddedChannel channel = channel(true);
        send(channel, "GET /elsewhere HTTP/1.1\r\nHost: a\r\n\r\n");
        String out = written(channel);
        assertTrue(out.startsWith("HTTP/1.1 404 Not Found\r\n"), out);
        assertTrue(channel.isOpen(), "keep-alive");
    }

    @Test
    void aResponseGetsItsLengthAndKeepAlive() {
        protocol.answer = e -> {
            e.respond(
                    new HttpResponse(
                            200,
                            null,
                            new HttpResponse.Headers().set("X-Test", "1"),
                            "hi".getBytes(StandardCharsets.UTF_8)),
                    null);
            return true;
        };
        EmbeddedChannel channel = channel(true);
        send(channel, "GET /p HTTP/1.1\r\nHost: a\r\n\r\n");
        String out = written(channel);
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
        assertTrue(out.toLowerCase().contains("x-test: 1\r\n"), out);
        assertTrue(out.toLowerCase().contains("content-length: 2\r\n"), out);
        assertTrue(out.endsWith("\r\n\r\nhi"), out);
        assertTrue(channel.isOpen());
    }

    @Test
    void anHttp10RequestWithoutKeepAliveIsClosedAfterItsAnswer() {
        protocol.answer = e -> {
            e.respond(HttpResponse.text(200, "ok"), null);
            return true;
        };
        EmbeddedChannel channel = channel(true);
        send(channel, "GET /p HTTP/1.0\r\n\r\n");
        String out = written(channel);
        assertTrue(out.toLowerCase().contains("connection: close\r\n"), out);
        assertFalse(channel.isOpen());
    }

    @Test
    void anAnswerFromAnotherThreadIsWrittenOnTheEventLoop() throws Exception {
        Runnable[] later = new Runnable[1];
        boolean[] writtenCallback = new boolean[1];
        protocol.answer = e -> {
            later[0] = () -> e.respond(HttpResponse.text(204, ""), () -> writtenCallback[0] = true);
            return true;
        };
        EmbeddedChannel channel = channel(true);
        send(channel, "GET /p HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals("", written(channel), "nothing until the protocol answers");
        Thread other = Thread.ofPlatform().start(later[0]);
        other.join();
        String out = written(channel);
        assertTrue(out.startsWith("HTTP/1.1 204 No Content\r\n"), out);
        assertTrue(writtenCallback[0], "written runs once the response is on its way");
    }

    @Test
    void anUnreadableRequestIs400AndTheConnectionCloses() {
        EmbeddedChannel channel = channel(true);
        send(channel, "GET /p HTTP/1.1\r\nHost: a\r\nX-No-Colon\r\n\r\n");
        String out = written(channel);
        assertTrue(out.startsWith("HTTP/1.1 400 Bad Request\r\n"), out);
        assertFalse(channel.isOpen());
        assertTrue(protocol.exchanges.isEmpty(), "an unreadable request never reaches the protocol");
    }

    @Test
    void headersOverMaxHeaderBytesAre431AndTheConnectionCloses() {
        EmbeddedChannel channel = channel(true);
        send(channel, "GET /p HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(1024) + "\r\n\r\n");
        String out = written(channel);
        assertTrue(out.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), out);
        assertFalse(channel.isOpen());
        assertTrue(protocol.exchanges.isEmpty());
    }

    @Test
    void aRequestLineOverItsLimitIs414AndTheConnectionCloses() {
        EmbeddedChannel channel = channel(true);
        send(channel, "GET /p?x=" + "x".repeat(4096) + " HTTP/1.1\r\nHost: a\r\n\r\n");
        String out = written(channel);
        assertTrue(out.startsWith("HTTP/1.1 414 "), out);
        assertFalse(channel.isOpen());
        assertTrue(protocol.exchanges.isEmpty());
    }

    @Test
    void aStreamIsChunkedAndEndsByClosingTheConnection() {
        ResponseStream[] stream = new ResponseStream[1];
        protocol.answer = e -> {
            stream[0] = e.stream(200, new HttpResponse.Headers().set("Content-Type", "text/event-stream"));
            stream[0].write("data: 1\n\n".getBytes(StandardCharsets.UTF_8));
            return true;
        };
        EmbeddedChannel channel = channel(true);
        send(channel, "GET /s HTTP/1.1\r\nHost: a\r\n\r\n");
        String out = written(channel);
        assertTrue(out.toLowerCase().contains("transfer-encoding: chunked\r\n"), out);
        // Said up front, so that a client does not pool the connection and send its next request
        // into the close that follows the stream's end.
        assertTrue(out.toLowerCase().contains("connection: close\r\n"), out);
        assertTrue(out.contains("9\r\ndata: 1\n\n\r\n"), out);
        boolean[] closed = new boolean[1];
        stream[0].onClosed(() -> closed[0] = true);
        stream[0].end();
        assertTrue(written(channel).endsWith("0\r\n\r\n"));
        assertFalse(channel.isOpen());
        channel.runPendingTasks();
        assertTrue(closed[0], "the stream's end is reported after end() returned");
    }

    @Test
    void anHttp10StreamIsNotChunked() {
        protocol.answer = e -> {
            e.stream(200, new HttpResponse.Headers()).write("x".getBytes(StandardCharsets.UTF_8));
            return true;
        };
        EmbeddedChannel channel = channel(true);
        send(channel, "GET /s HTTP/1.0\r\n\r\n");
        String out = written(channel);
        assertTrue(out.startsWith("HTTP/1.0 200 OK\r\n"), out);
        assertFalse(out.toLowerCase().contains("chunked"), out);
        assertTrue(out.endsWith("\r\n\r\nx"), out);
    }

    @Test
    void anAbortRunsWhenTheClientLeavesBeforeTheAnswer() {
        boolean[] aborted = new boolean[1];
        protocol.answer = e -> {
            e.onAbort(() -> aborted[0] = true);
            return true;
        };
        EmbeddedChannel channel = channel(true);
        send(channel, "GET /poll HTTP/1.1\r\nHost: a\r\n\r\n");
        channel.close();
        channel.runPendingTasks();
        assertTrue(aborted[0]);
    }

    @Test
    void aHeadNotCompleteWithinRequestHeadTimeoutIs408AndTheConnectionCloses() {
        EmbeddedChannel channel = channel(true);
        channel.freezeTime();
        send(channel, "GET /p HTTP/1.1\r\nHost: a\r\n");
        channel.advanceTimeBy(9, TimeUnit.SECONDS);
        send(channel, "X-Slow: 1\r\n"); // a byte now and then does not move the deadline
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        String out = written(channel);
        assertTrue(out.startsWith("HTTP/1.1 408 Request Timeout\r\n"), out);
        assertTrue(out.endsWith("the request's head did not arrive in time\n"), out);
        assertFalse(channel.isOpen());
        assertTrue(protocol.exchanges.isEmpty());
    }

    @Test
    void theHeadDeadlineEndsWithTheRequestAndDoesNotBoundKeepAlive() {
        protocol.answer = e -> {
            e.respond(HttpResponse.text(200, "ok"), null);
            return true;
        };
        EmbeddedChannel channel = channel(true);
        channel.freezeTime();
        send(channel, "GET /p HTTP/1.1\r\nHost: a\r\n\r\n");
        assertTrue(written(channel).startsWith("HTTP/1.1 200 OK\r\n"));

        channel.advanceTimeBy(40, TimeUnit.SECONDS); // past both deadlines, within httpIdleTimeout
        channel.runScheduledPendingTasks();

        assertEquals("", written(channel));
        assertTrue(channel.isOpen());
    }

    private static final String UPGRADE = "GET /chat?pagewire=t HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\n"
            + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

    @Test
    void anUpgradeOpensTheProtocolsSessionAfterThe101() {
        List<String> received = new CopyOnWriteArrayList<>();
        Connection[] opened = new Connection[1];
        protocol.answer = e -> {
            e.upgrade(connection -> {
                opened[0] = connection;
                connection.send(new OutFrame(false, "[\"hello\"]".getBytes(StandardCharsets.UTF_8)));
                return new Session() {
                    @Override
                    public void text(String message) {
                        received.add(message);
                    }

                    @Override
                    public void binary(byte[] message) {}

                    @Override
                    public void closed() {
                        received.add("closed");
                    }
                };
            });
            return true;
        };
        EmbeddedChannel channel = channel(true);
        send(channel, UPGRADE);
        String out = written(channel);
        assertTrue(out.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), out);
        assertTrue(out.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "the accept key of RFC 6455 §1.3");
        int body = out.indexOf("\r\n\r\n") + 4;
        assertEquals("\u0081\u0009[\"hello\"]", out.substring(body), "the first frame follows the 101");
        assertNotNull(opened[0]);
        assertEquals("websocket", opened[0].transport());

        channel.writeInbound(Unpooled.wrappedBuffer(maskedText("[\"ping\"]")));
        assertEquals(List.of("[\"ping\"]"), received);
        channel.close();
        assertEquals(List.of("[\"ping\"]", "closed"), received);
    }

    @Test
    void anUpgradeIsRefusedWith403WhenWebSocketIsOff() {
        protocol.answer = e -> {
            e.upgrade(connection -> {
                throw new AssertionError("no WebSocket may open");
            });
            return true;
        };
        EmbeddedChannel channel = channel(false);
        send(channel, UPGRADE);
        String out = written(channel);
        assertTrue(out.startsWith("HTTP/1.1 403 Forbidden\r\n"), out);
        assertTrue(out.endsWith("WebSocket is disabled on this server\n"), out);
    }

    /** A client's text frame: FIN, opcode 1, masked as RFC 6455 §5.3 requires of clients. */
    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }
}
