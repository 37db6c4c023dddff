package dev.pagewire.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.Access;
import dev.pagewire.Channel;
import dev.pagewire.EventException;
import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.netty.testing.Wait;
import dev.pagewire.servlet.testing.RunningServer;
import dev.pagewire.servlet.testing.Servers;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The server the client's tests talk to: a real Pagewire application on one of the {@link Servers}
 * (Netty, or the Servlet adapter in Tomcat or Jetty) with one page at {@code /t} that echoes JSON
 * ({@code echo} → {@code echoed}) and binary ({@code bytes} → {@code reversed}), records numbered
 * {@code up} events, streams numbered {@code n} events on request ({@code stream}), and answers
 * calls: {@code add} (a + b), {@code fail} (code {@code nope}), {@code hang} (answers when the test
 * ends).
 *
 * <p>Its endpoints (docs/PROTOCOL.md §12): {@code /stocks} greets each channel with {@code
 * hello} (its params), echoes like the page ({@code echo}, {@code bytes}), records numbered {@code
 * up} events per channel, streams on request and answers {@code add} and {@code who} (its params);
 * {@code /private} admits only params {@code {"key":"secret"}}, else refuses with "members only";
 * {@code /broken}'s open handler throws.
 */
final class TestServer implements AutoCloseable {

    static final String PATH = "/t";
    static final String STOCKS = "/stocks";
    static final String PRIVATE = "/private";
    static final String BROKEN = "/broken";

    final Pagewire app;
    final RunningServer server;
    /** The pages rendered, in render order. */
    final BlockingQueue<Page> pages = new LinkedBlockingQueue<>();
    /** The {@code up} events received, in arrival order. */
    final List<Integer> ups = new CopyOnWriteArrayList<>();
    /** The endpoint channels opened, in open order (each opens on its own thread: any order). */
    final BlockingQueue<Channel> channels = new LinkedBlockingQueue<>();
    /** The endpoint channels opened, by their {@code who} param. */
    final Map<String, Channel> channelsByWho = new ConcurrentHashMap<>();
    /** The {@code up} events each endpoint channel received, by its {@code who} param. */
    final Map<String, List<Integer>> channelUps = new ConcurrentHashMap<>();

    private final CountDownLatch release = new CountDownLatch(1);

    /** The application with {@code settings}, served by {@code kind} started with {@code options}. */
    TestServer(Servers kind, Consumer<Settings.Builder> settings, Servers.Options options) {
        app = Pagewire.create(settings);
        app.page(PATH, (request, page) -> {
            page.on("echo", e -> page.emit("echoed", e.data()));
            page.on("bytes", e -> page.emit("reversed", reverse(e.bytes())));
            page.on("up", e -> ups.add(e.data().asInt()));
            // {"count": N, "every": k, "pauseMillis": m}: n = 1..N, a pause after every k.
            page.on("stream", e -> {
                int count = e.data().path("count").asInt();
                int every = Math.max(1, e.data().path("every").asInt(1));
                long pause = TimeUnit.MILLISECONDS.toNanos(
                        e.data().path("pauseMillis").asLong(0));
                Thread.ofVirtual().start(() -> {
                    for (int i = 1; i <= count; i++) {
                        page.emit("n", i);
                        if (i % every == 0 && pause > 0) {
                            LockSupport.parkNanos(pause); // spreads the stream over time; nothing waits on it
                        }
                    }
                });
            });
            page.handle(
                    "add", e -> e.data().path("a").asInt() + e.data().path("b").asInt());
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
        app.endpoint(STOCKS, this::openStocks);
        app.endpoint(BROKEN, channel -> {
            throw new IllegalStateException("an open handler that fails, on purpose");
        });
        app.endpoint(
                PRIVATE,
                request -> "secret".equals(request.params().path("key").asText())
                        ? Access.grant()
                        : Access.deny("members only"),
                this::openStocks);
        server = kind.start(app, options);
    }

    private void openStocks(Channel channel) {
        String who = channel.params().path("who").asText("");
        List<Integer> ups = channelUps.computeIfAbsent(who, k -> new CopyOnWriteArrayList<>());
        channel.on("echo", e -> channel.emit("echoed", e.data()));
        channel.on("bytes", e -> channel.emit("reversed", reverse(e.bytes())));
        channel.on("up", e -> ups.add(e.data().asInt()));
        channel.on("stream", e -> {
            int count = e.data().path("count").asInt();
            for (int i = 1; i <= count; i++) {
                channel.emit("n", i);
            }
        });
        channel.handle(
                "add", e -> e.data().path("a").asInt() + e.data().path("b").asInt());
        channel.handle("who", e -> who);
        channel.emit("hello", channel.params());
        channelsByWho.put(who, channel);
        channels.add(channel);
    }

    /** The endpoint channel opened with the param {@code who}, once it is open. */
    Channel channel(String who) {
        Wait.await(
                java.time.Duration.ofSeconds(10),
                "the endpoint channel of " + who,
                () -> channelsByWho.containsKey(who));
        return channelsByWho.get(who);
    }

    Channel nextChannel() throws InterruptedException {
        Channel channel = channels.poll(10, TimeUnit.SECONDS);
        if (channel == null) {
            throw new AssertionError("no endpoint channel opened within 10 s");
        }
        return channel;
    }

    /** The application with {@code settings}, served by {@code kind} with WebSocket on. */
    TestServer(Servers kind, Consumer<Settings.Builder> settings) {
        this(kind, settings, Servers.Options.defaults());
    }

    /** The application with the default settings, served by {@code kind} with WebSocket on. */
    TestServer(Servers kind) {
        this(kind, s -> {});
    }

    int port() {
        return server.port();
    }

    URI page() {
        return server.uri().resolve(PATH);
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
