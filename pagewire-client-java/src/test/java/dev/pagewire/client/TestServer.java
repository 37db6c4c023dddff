package dev.pagewire.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.EventException;
import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.netty.PagewireServer;
import dev.pagewire.netty.ServerSettings;
import java.net.URI;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The server the client's tests talk to: a real embedded Pagewire server with one page at {@code
 * /t} that echoes JSON ({@code echo} → {@code echoed}) and binary ({@code bytes} → {@code
 * reversed}), records numbered {@code up} events, streams numbered {@code n} events on request
 * ({@code stream}), and answers calls: {@code add} (a + b), {@code fail} (code {@code nope}),
 * {@code hang} (answers when the test ends).
 */
final class TestServer implements AutoCloseable {

    static final String PATH = "/t";

    final Pagewire app;
    final PagewireServer server;
    /** The pages rendered, in render order. */
    final BlockingQueue<Page> pages = new LinkedBlockingQueue<>();
    /** The {@code up} events received, in arrival order. */
    final List<Integer> ups = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    TestServer(Consumer<Settings.Builder> settings, Consumer<ServerSettings.Builder> serverSettings) {
        app = Pagewire.create(settings);
        app.page(PATH, (request, page) -> {
            page.on("echo", e -> page.emit("echoed", e.data()));
            page.on("bytes", e -> page.emit("reversed", reverse(e.bytes())));
            page.on("up", e -> ups.add(e.data().asInt()));
            // {"count": N, "every": k, "pauseMillis": m}: n = 1..N, a pause after every k.
            page.on("stream", e -> {
                int count = e.data().path("count").asInt();
                int every = Math.max(1, e.data().path("every").asInt(1));
                long pause = TimeUnit.MILLISECONDS.toNanos(e.data().path("pauseMillis").asLong(0));
                Thread.ofVirtual().start(() -> {
                    for (int i = 1; i <= count; i++) {
                        page.emit("n", i);
                        if (i % every == 0 && pause > 0) {
                            LockSupport.parkNanos(pause); // spreads the stream over time; nothing waits on it
                        }
                    }
                });
            });
            page.handle("add", e -> e.data().path("a").asInt() + e.data().path("b").asInt());
            page.handle("fail", e -> {
                throw new EventException("nope", "not today");
            });
            page.handle("hang", e -> {
                release.await();
                return null;
            });
            pages.add(page);
            return "<!doctype html><html><head><title>t</title></head><body>t</body></html>";
        });
        server = PagewireServer.start(app, s -> {
            s.host("127.0.0.1").port(0);
            serverSettings.accept(s);
        });
    }

    TestServer() {
        this(s -> {}, s -> {});
    }

    URI page() {
        return URI.create("http://127.0.0.1:" + server.port() + PATH);
    }

    Page nextPage() throws InterruptedException {
        Page page = pages.poll(10, TimeUnit.SECONDS);
        if (page == null) {
            throw new AssertionError("no page rendered within 10 s");
        }
        return page;
    }

    static JsonNode json(Object value) {
        return dev.pagewire.client.internal.Json.toJson(value);
    }

    @Override
    public void close() {
        release.countDown();
        server.close();
        app.close();
    }

    private static byte[] reverse(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }
}
