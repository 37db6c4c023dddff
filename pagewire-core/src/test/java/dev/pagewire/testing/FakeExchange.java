package dev.pagewire.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.pagewire.spi.Connection;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.spi.ResponseStream;
import dev.pagewire.spi.Session;
import dev.pagewire.spi.WebSocketHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * An adapter's HTTP exchange without a network: a request to hand to
 * {@link dev.pagewire.spi.Protocol#handle}, and a record of how the protocol answered it (a response,
 * a stream, or a WebSocket upgrade). Thread-safe, like a real exchange.
 */
public final class FakeExchange implements HttpExchange {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final String method;
    private final String target;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private byte[] body = new byte[0];
    private final CompletableFuture<HttpResponse> response = new CompletableFuture<>();
    private final CompletableFuture<Stream> stream = new CompletableFuture<>();
    private final CompletableFuture<WebSocketHandler> upgrade = new CompletableFuture<>();
    private final List<Runnable> onAbort = new CopyOnWriteArrayList<>();
    private volatile int answers;
    private String version = "HTTP/1.1";
    private InetSocketAddress remote = new InetSocketAddress("127.0.0.1", 40000);

    private FakeExchange(String method, String target) {
        this.method = method;
        this.target = target;
        header("Host", "app.example");
    }

    public static FakeExchange get(String target) {
        return new FakeExchange("GET", target);
    }

    public static FakeExchange post(String target, String body) {
        return new FakeExchange("POST", target).body(body);
    }

    public static FakeExchange request(String method, String target) {
        return new FakeExchange(method, target);
    }

    /** A WebSocket upgrade request of {@code target}. */
    public static FakeExchange upgrade(String target) {
        return get(target)
                .header("Connection", "Upgrade")
                .header("Upgrade", "websocket")
                .header("Sec-WebSocket-Version", "13")
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    }

    /** Adds a request header. */
    public FakeExchange header(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(value);
        return this;
    }

    /** Drops every request header named {@code name}. */
    public FakeExchange withoutHeader(String name) {
        headers.remove(name.toLowerCase(Locale.ROOT));
        return this;
    }

    /** Sets the client's address ({@code 127.0.0.1:40000} unless set). */
    public FakeExchange from(String address) {
        this.remote = new InetSocketAddress(address, 40000);
        return this;
    }

    /** Sets the request's HTTP version ({@code HTTP/1.1} unless set). */
    public FakeExchange version(String version) {
        this.version = version;
        return this;
    }

    /** Replaces the request body. */
    public FakeExchange body(String text) {
        this.body = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** Replaces the request body with these bytes, UTF-8 or not. */
    public FakeExchange body(byte[] bytes) {
        this.body = bytes.clone();
        return this;
    }

    // ---- the request side

    @Override
    public String method() {
        return method;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public int headerCount(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null ? 0 : values.size();
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        headers.forEach((name, values) -> values.forEach(value -> action.accept(name, value)));
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public boolean secure() {
        return false;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public byte[] body() {
        return body;
    }

    // ---- the answers

    @Override
    public void respond(HttpResponse response, Runnable written) {
        answered();
        this.response.complete(response);
        if (written != null) {
            written.run();
        }
    }

    @Override
    public ResponseStream stream(int status, HttpResponse.Headers headers) {
        answered();
        Stream s = new Stream(status, headers);
        stream.complete(s);
        return s;
    }

    @Override
    public void upgrade(WebSocketHandler handler) {
        answered();
        upgrade.complete(handler);
    }

    @Override
    public void onAbort(Runnable task) {
        onAbort.add(task);
    }

    private synchronized void answered() {
        if (++answers > 1) {
            throw new IllegalStateException("an exchange is answered once");
        }
    }

    /** Plays the client aborting the request (its connection closed). */
    public void abort() {
        onAbort.forEach(Runnable::run);
    }

    /** The complete response, waiting for it a few seconds; fails the test if none came. */
    public HttpResponse response() {
        return await(response, "a response");
    }

    /** Whether a complete response was sent already. */
    public boolean responded() {
        return response.isDone();
    }

    /** The streamed response, waiting for it a few seconds. */
    public Stream stream() {
        return await(stream, "a streamed response");
    }

    /** Whether the protocol answered in any way. */
    public boolean answered(Duration within) {
        try {
            CompletableFuture.anyOf(response, stream, upgrade).get(within.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /** Plays the adapter's completed handshake: opens {@code connection} with the protocol's handler. */
    public Session openWebSocket(Connection connection) {
        return await(upgrade, "a WebSocket upgrade").open(connection);
    }

    /** Whether the protocol asked for a WebSocket upgrade. */
    public boolean upgraded() {
        return upgrade.isDone();
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return fail("the protocol gave no " + what + " within " + WAIT);
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /** A streamed response: what was written, and whether it ended. */
    public static final class Stream implements ResponseStream {

        private final int status;
        private final HttpResponse.Headers headers;
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final List<Runnable> onClosed = new ArrayList<>();
        private final CompletableFuture<Void> ended = new CompletableFuture<>();

        Stream(int status, HttpResponse.Headers headers) {
            this.status = status;
            this.headers = headers;
        }

        public int status() {
            return status;
        }

        public HttpResponse.Headers headers() {
            return headers;
        }

        /** Everything written so far, as text. */
        public synchronized String text() {
            return written.toString(StandardCharsets.UTF_8);
        }

        public boolean ended() {
            return ended.isDone();
        }

        /** Waits a few seconds for the stream to end. */
        public void awaitEnd() {
            await(ended, "end of the stream");
        }

        /** Plays the client going away: the stream is over. */
        public void clientGone() {
            finish();
        }

        @Override
        public synchronized void write(byte[] bytes) {
            if (!ended.isDone()) {
                written.writeBytes(bytes);
            }
        }

        @Override
        public long queuedBytes() {
            return 0;
        }

        @Override
        public void end() {
            finish();
        }

        @Override
        public void onClosed(Runnable task) {
            boolean now;
            synchronized (this) {
                now = ended.isDone();
                if (!now) {
                    onClosed.add(task);
                }
            }
            if (now) {
                task.run();
            }
        }

        private void finish() {
            List<Runnable> tasks;
            synchronized (this) {
                if (ended.isDone()) {
                    return;
                }
                ended.complete(null);
                tasks = List.copyOf(onClosed);
            }
            tasks.forEach(Runnable::run);
        }
    }
}
