package dev.pagewire.examples.chat;

import dev.pagewire.DashboardAccess;
import dev.pagewire.EventException;
import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.metrics.PagewireMetrics;
import dev.pagewire.netty.DevCertificate;
import dev.pagewire.netty.PagewireServer;
import dev.pagewire.netty.ServerSettings;
import dev.pagewire.redis.RedisBackplane;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The chat example: every tab is its own page with its own name; what one tab says appears in every
 * tab; the server pushes a clock to every page each second, unasked; and each page opens a second
 * channel, to the endpoint {@code /stats}, that shows how many pages are in the room.
 *
 * <p>Run: {@code java -jar examples/chat/target/pagewire-chat.jar [--port 8080] [--host 0.0.0.0]
 * [--self-signed | --tls-cert FILE --tls-key FILE] [--redis redis://HOST:PORT]}. Chats started with
 * the same {@code --redis} are one room, behind any load balancer (docs/CLUSTER.md).
 */
public final class ChatApp implements AutoCloseable {

    /** Longest message a page may say, in characters. */
    static final int MAX_MESSAGE_LENGTH = 500;

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Pagewire app;
    /** Numbers guests' names, from 1. */
    private final AtomicInteger guests = new AtomicInteger();

    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chat-clock");
        t.setDaemon(true);
        return t;
    });
    private final String html = resource("chat/index.html");
    /**
     * The topic this chat's own clock ticks to. Each chat process has its own, so that in a cluster a
     * tab gets one tick a second from the chat that serves it, not one from every chat.
     */
    private final String clockTopic = "clock-" + UUID.randomUUID();

    /** Sets the chat up on {@code app}: the page at {@code /}, its assets, the clock and {@code /stats}. */
    public ChatApp(Pagewire app) {
        this.app = app;
        app.staticResources("/assets", "chat/assets");
        // Every change of the room, and every new stats channel, asks for a count; the counts are
        // read and sent one at a time on the clock's thread, so the last one sent is never stale.
        // In a cluster every chat hears every join and leave; the chat where the tab lives counts.
        app.topic("room").onJoin(member -> {
            if (member.local()) {
                clock.execute(this::publishOnline);
            }
        });
        app.topic("room").onLeave(member -> {
            if (member.local()) {
                clock.execute(this::publishOnline);
            }
        });
        app.endpoint("/stats", channel -> {
            channel.join("stats");
            clock.execute(this::publishOnline);
        });
        app.page("/", (request, page) -> {
            join(page);
            return html;
        });
        clock.scheduleAtFixedRate(
                () -> app.topic(clockTopic).emit("clock", LocalTime.now().format(CLOCK)), 0, 1, TimeUnit.SECONDS);
    }

    private void join(Page page) {
        // In a cluster each chat counts its own guests: its node number keeps the names apart.
        String name = app.node() == 0
                ? "Guest " + guests.incrementAndGet()
                : "Guest " + app.node() + "-" + guests.incrementAndGet();
        page.join("room");
        page.join(clockTopic);
        // Sent to this page alone: every tab learns its own name.
        page.onConnect(() -> page.emit("me", Map.of("name", name)));
        page.on("say", event -> {
            String text = event.data().path("text").asText("").strip();
            if (text.isEmpty()) {
                throw new EventException("empty_message", "say something first");
            }
            if (text.length() > MAX_MESSAGE_LENGTH) {
                throw new EventException(
                        "message_too_long", "messages are at most " + MAX_MESSAGE_LENGTH + " characters");
            }
            app.topic("room").emit("message", Map.of("from", name, "text", text));
        });
    }

    /** Tells every stats channel how many pages are in the room now. */
    private void publishOnline() {
        app.topic("stats").emit("online", app.topic("room").size());
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }

    /** Runs the chat until the process is stopped; {@code --help} lists the options ({@link ChatOptions}). */
    public static void main(String[] args) throws InterruptedException {
        ChatOptions options;
        try {
            options = ChatOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "; try --help");
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(ChatOptions.USAGE);
            return;
        }
        Running chat;
        try {
            chat = start(settings(options), options.redis(), options.metrics(), dashboardAccess(options));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("cannot start the chat: " + e.getMessage());
            System.exit(1);
            return;
        }
        // In a cluster a stopping chat drains first: its tabs move to the other chats (a rolling
        // deploy); alone, there is nowhere to move them to.
        Runnable stop = options.redis() == null ? chat::close : chat::drainAndClose;
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "chat-shutdown"));
        System.out.println("Pagewire chat is running at " + chat.server().uri()
                + (options.redis() == null ? "" : ", one of the chats on " + options.redis())
                + (options.metrics()
                        ? "; Prometheus scrapes " + chat.server().uri().resolve("/metrics")
                        : "")
                + (options.dashboard() ? "; dashboard at " + chat.server().uri().resolve("/dashboard") : ""));
        chat.server().awaitClose();
    }

    /**
     * Who may see the dashboard that {@code --dashboard} asks for: whoever gives the password in
     * {@code PAGEWIRE_DASHBOARD_PASSWORD}, and this machine; {@code null} without {@code --dashboard}.
     */
    static DashboardAccess dashboardAccess(ChatOptions options) {
        if (!options.dashboard()) {
            return null;
        }
        DashboardAccess local = DashboardAccess.from("127.0.0.1", "::1");
        String password = System.getenv("PAGEWIRE_DASHBOARD_PASSWORD");
        return password == null || password.isEmpty()
                ? local
                : DashboardAccess.password(password).orFrom("127.0.0.1", "::1");
    }

    /** The server settings the options ask for; makes the development certificate for --self-signed. */
    static Consumer<ServerSettings.Builder> settings(ChatOptions options) {
        Consumer<ServerSettings.Builder> listen = s -> s.host(options.host()).port(options.port());
        if (options.selfSigned()) {
            DevCertificate dev = selfSigned();
            return listen.andThen(s -> s.tls(dev.certificateFile(), dev.privateKeyFile()));
        }
        if (options.tlsCertificate() != null) {
            return listen.andThen(s -> s.tls(options.tlsCertificate(), options.tlsKey()));
        }
        return listen;
    }

    /** A development certificate in a temporary directory that is deleted when the process ends. */
    private static DevCertificate selfSigned() {
        Path directory;
        try {
            directory = Files.createTempDirectory("pagewire-chat-tls");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a directory for the certificate: " + e.getMessage(), e);
        }
        DevCertificate dev = DevCertificate.generate(directory);
        // Deleted in reverse order of registration: the files, then their directory.
        directory.toFile().deleteOnExit();
        dev.certificateFile().toFile().deleteOnExit();
        dev.privateKeyFile().toFile().deleteOnExit();
        System.out.println("""
            Serving HTTPS with a self-signed DEVELOPMENT certificate for localhost (%s).
            Your browser will warn that the connection is not private: accept the warning to go on.
            Never use it in production; there, pass your CA's certificate with --tls-cert and --tls-key.\
            """.formatted(dev.certificateFile()));
        return dev;
    }

    /**
     * Starts the chat on a new application and server; returns once the port is bound. Tests start
     * it on port 0 and read the real port from {@link Running#server()}.
     *
     * @throws IllegalArgumentException if a setting is out of range
     * @throws IllegalStateException if the port cannot be bound or the TLS files are not valid
     */
    public static Running start(Consumer<ServerSettings.Builder> config) {
        return start(config, null);
    }

    /**
     * {@link #start(Consumer)} as a node of the cluster on Redis at {@code redisUri}, or alone when it
     * is {@code null}.
     *
     * @throws IllegalStateException also if Redis cannot be reached
     */
    public static Running start(Consumer<ServerSettings.Builder> config, String redisUri) {
        return start(config, redisUri, false);
    }

    /**
     * {@link #start(Consumer, String)}, with {@code metrics}: the chat's meters bound to a Prometheus
     * registry that the server serves at {@code /metrics} (docs/OPERATIONS.md).
     */
    public static Running start(Consumer<ServerSettings.Builder> config, String redisUri, boolean metrics) {
        return start(config, redisUri, metrics, null);
    }

    /**
     * {@link #start(Consumer, String, boolean)}, with the live dashboard at {@code /dashboard} for
     * whoever {@code dashboard} admits ({@code null}: no dashboard; docs/OPERATIONS.md).
     */
    public static Running start(
            Consumer<ServerSettings.Builder> config, String redisUri, boolean metrics, DashboardAccess dashboard) {
        // A restarted server, or a stopped node: the tab reloads itself.
        Consumer<Settings.Builder> settings = s -> s.reloadOnExpired(true);
        Pagewire app = redisUri == null
                ? Pagewire.create(settings)
                : Pagewire.create(RedisBackplane.connect(redisUri), settings);
        ChatApp chat = new ChatApp(app);
        if (dashboard != null) {
            app.dashboard("/dashboard", dashboard);
        }
        if (metrics) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new PagewireMetrics(app).bindTo(registry);
            config = config.andThen(s -> s.prometheus(registry, "/metrics"));
        }
        try {
            return new Running(app, chat, PagewireServer.start(app, config));
        } catch (RuntimeException e) {
            chat.close();
            app.close();
            throw e;
        }
    }

    /**
     * A started chat: its application, its clock and its server. Closing it stops all three, the
     * server first; idempotent. Thread-safe.
     */
    public record Running(Pagewire app, ChatApp chat, PagewireServer server) implements AutoCloseable {

        @Override
        public void close() {
            server.close();
            chat.close();
            app.close();
        }

        /** Moves this chat's tabs to the other chats of its cluster ({@link Pagewire#drain()}), then closes. */
        public void drainAndClose() {
            app.drain();
            close();
        }
    }

    private static String resource(String name) {
        try (InputStream in = ChatApp.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
