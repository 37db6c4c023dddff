package dev.pagewire.examples.chatspring;

import dev.pagewire.EventException;
import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * The chat room: gives every page its name and its {@code say} handler; what one page says goes to
 * every page in the room; the server pushes a clock to every page each second, unasked; and every
 * change of the room is counted for the {@code /stats} channels. A service like any other: it reaches
 * the pages through the {@code Pagewire} bean's topics. Thread-safe.
 */
@Component
class ChatRoom implements AutoCloseable {

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

    ChatRoom(Pagewire app) {
        this.app = app;
        // Every change of the room, and every new stats channel, asks for a count; the counts are
        // read and sent one at a time on the clock's thread, so the last one sent is never stale.
        app.topic("room").onJoin(member -> publishOnline());
        app.topic("room").onLeave(member -> publishOnline());
        clock.scheduleAtFixedRate(
                () -> app.topic("clock").emit("clock", LocalTime.now().format(CLOCK)), 0, 1, TimeUnit.SECONDS);
    }

    /** Sets up a page of the chat: its name, the room, the clock and what it may say. */
    void join(Page page) {
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
                throw new EventException(
                        "message_too_long", "messages are at most " + MAX_MESSAGE_LENGTH + " characters");
            }
            app.topic("room").emit("message", Map.of("from", name, "text", text));
        });
    }

    /** Tells every stats channel, soon, how many pages are in the room. */
    void publishOnline() {
        // Spring closes this room before the Pagewire bean it depends on, whose pages then leave
        // the room: with the application going down, there is no one left to tell.
        if (!clock.isShutdown()) {
            clock.execute(
                    () -> app.topic("stats").emit("online", app.topic("room").size()));
        }
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }
}
