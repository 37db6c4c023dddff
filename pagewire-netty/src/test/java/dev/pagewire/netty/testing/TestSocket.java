package dev.pagewire.netty.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * A plain (non-browser) WebSocket client for tests, on the JDK's {@code java.net.http}: collects
 * received text messages and binary messages in order, and the close code and reason.
 */
public final class TestSocket implements WebSocket.Listener, AutoCloseable {

    /** A close frame from the server. */
    public record Closed(int code, String reason) {}

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern TOKEN = Pattern.compile("data-pagewire-token=\"([^\"]+)\"");

    public final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    public final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private ByteBuffer binary = ByteBuffer.allocate(0);
    private WebSocket socket;

    /** Reads an HTTP response head from a plain socket, up to and including the blank line. */
    public static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("connection closed inside the response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** GETs a page and returns its HTML. */
    public static String render(URI page) throws Exception {
        return render(page, HTTP);
    }

    /** GETs a page with {@code http} (e.g. one trusting a test certificate) and returns its HTML. */
    public static String render(URI page, HttpClient http) throws Exception {
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + page + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** The page token injected into rendered HTML. */
    public static String token(String html) {
        Matcher m = TOKEN.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no page token in the HTML: " + html);
        }
        return m.group(1);
    }

    /** Opens the channel of a freshly rendered page at {@code page}. */
    public static TestSocket openPage(URI page) throws Exception {
        return openPage(page, HTTP);
    }

    /** Renders the page and opens its channel, both with {@code http}; {@code wss:} for an https page. */
    public static TestSocket openPage(URI page, HttpClient http) throws Exception {
        return open(channelUri(page, token(render(page, http))), null, http);
    }

    /** The channel URL of a page: its own URL with {@code ws:} (or {@code wss:} for https) and the token. */
    public static URI channelUri(URI page, String token) {
        String scheme = page.getScheme().equals("https") ? "wss://" : "ws://";
        return URI.create(scheme + page.getAuthority() + page.getPath() + "?pagewire=" + token);
    }

    /** Opens a WebSocket; {@code origin} may be null (no Origin header). */
    public static TestSocket open(URI uri, String origin) throws Exception {
        return open(uri, origin, HTTP);
    }

    /** Opens a WebSocket with {@code http}'s settings (its SSLContext for wss:). */
    public static TestSocket open(URI uri, String origin, HttpClient http) throws Exception {
        TestSocket listener = new TestSocket();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (origin != null) {
            builder.header("Origin", origin);
        }
        listener.socket = builder.buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
        return listener;
    }

    /** The next message (a String or a byte[]), waiting at most 10 s. */
    public Object next() throws InterruptedException {
        Object m = messages.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message within 10 s");
        }
        return m;
    }

    /** The next text message that is not a ping. */
    public String nextText() throws InterruptedException {
        while (true) {
            Object m = next();
            if (m instanceof String s && !s.equals("[\"ping\"]")) {
                return s;
            }
        }
    }

    /** The close frame the server sent, waiting at most 10 s. */
    public Closed awaitClose() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(text.toString());
            text.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        ByteBuffer joined = ByteBuffer.allocate(binary.remaining() + data.remaining());
        joined.put(binary).put(data).flip();
        binary = joined;
        if (last) {
            byte[] bytes = new byte[binary.remaining()];
            binary.get(bytes);
            messages.add(bytes);
            binary = ByteBuffer.allocate(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Closed(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    @Override
    public void close() {
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
        }
        if (socket != null) {
            socket.abort();
        }
    }

    /**
     * Everything the server sends until it closes the connection or resets it (as bytes, one
     * character each); fails if the socket's read timeout passes first.
     */
    public static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection stayed open; received: " + received, e);
        } catch (SocketException | SSLException reset) {
            // A reset after the answer ends it too.
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }
}
