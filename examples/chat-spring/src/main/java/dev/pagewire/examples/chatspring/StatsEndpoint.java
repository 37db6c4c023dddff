package dev.pagewire.examples.chatspring;

import dev.pagewire.Pagewire;
import dev.pagewire.spring.PagewireCustomizer;
import org.springframework.stereotype.Component;

/**
 * The endpoint {@code /stats}: every chat page opens a second channel to it
 * ({@code pagewire.open("/stats")}), which hears how many pages are in the room, now and whenever one
 * joins or leaves.
 */
@Component
class StatsEndpoint implements PagewireCustomizer {

    private final ChatRoom room;

    StatsEndpoint(ChatRoom room) {
        this.room = room;
    }

    @Override
    public void customize(Pagewire app) {
        app.endpoint("/stats", channel -> {
            channel.join("stats");
            room.publishOnline();
        });
    }
}
