package dev.pagewire.spring.readme;

import dev.pagewire.Pagewire;
import dev.pagewire.spring.PagewireCustomizer;
import org.springframework.stereotype.Component;

// The README's "Add Pagewire to an existing Spring Boot app", verbatim (with ChatController).
@Component
class StatsEndpoint implements PagewireCustomizer {
    public void customize(Pagewire app) {
        app.endpoint(
                "/stats", channel -> channel.emit("online", app.topic("room").size()));
    }
}
