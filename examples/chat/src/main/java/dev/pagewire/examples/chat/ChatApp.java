package dev.pagewire.examples.chat;

import dev.pagewire.EventException;
import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.PagewireServer;
import dev.pagewire.netty.ServerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The chat example: every tab is its own page with its own name; what one tab says appears in every
 * tab; the server pushes a clock to every page each second, unasked.
 *
 * <p>Run: {@code java -jar examples/chat/target/pagewire-chat.jar [--port 8080] [--host 0.0.0.0]}.
 */
public final class ChatApp implements AutoCloseable {

    /** Longest message a page may say, in characters. */
    static final int MAX_MESSAGE_LENGTH = 500;

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Pagewire app;
    private final AtomicInteger guests = new AtomicInteger();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chat-clock");
        t.setDaemon(true);
        return t;
    });
    private final String html = resource("chat/index.html");

    /** Sets the chat up on {@code app}: the page at {@code /}, its assets, and the clock. */
    public ChatApp(Pagewire app) {
        this.app = app;
        app.staticResources("/assets", "chat/assets");
        app.page("/", (request, page) -> {
            join(page);
            return html;
        });
        clock.scheduleAtFixedRate(
                () -> app.topic("clock").emit("clock", LocalTime.now().format(CLOCK)), 0, 1, TimeUnit.SECONDS);
    }

    private void join(Page page) {
        String name = "Guest " + guests.incrementAndGet();
        page.join("room");
        page.join("clock");
        // Sent to this page alone: every tab learns its own name.
        page.onConnect(() -> page.emit("me", Map.of("name", name)));
        page.on("say", event -> {
            String text = event.data().path("text").asText("").strip();
            if (text.isEmpty()) {
                throw new EventException("empty_message", "say something first");
            }
            if (text.length() > MAX_MESSAGE_LENGTH) {
                throw new EventException("message_too_long",
                        "messages are at most " + MAX_MESSAGE_LENGTH + " characters");
            }
            app.topic("room").emit("message", Map.of("from", name, "text", text));
        });
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 8080;
        String host = "0.0.0.0";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                case "--host" -> host = value(args, ++i, "--host");
                case "--help", "-h" -> {
                    System.out.println("usage: java -jar pagewire-chat.jar [--port N] [--host H]");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i] + "; try --help");
                    System.exit(2);
                }
            }
        }
        int p = port;
        String h = host;
        Running chat = start(s -> s.host(h).port(p));
        Runtime.getRuntime().addShutdownHook(new Thread(chat::close, "chat-shutdown"));
        System.out.println("Pagewire chat is running at " + chat.server().uri());
        chat.server().awaitClose();
    }

    /**
     * Starts the chat on a new application and server; returns once the port is bound. Tests start
     * it on port 0 and read the real port from {@link Running#server()}.
     *
     * @throws IllegalStateException if the port cannot be bound
     */
    public static Running start(Consumer<ServerSettings.Builder> config) {
        Pagewire app = Pagewire.create();
        ChatApp chat = new ChatApp(app);
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
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            System.err.println(option + " needs a value");
            System.exit(2);
        }
        return args[i];
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
