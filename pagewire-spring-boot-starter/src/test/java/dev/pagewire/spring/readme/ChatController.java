package dev.pagewire.spring.readme;

import dev.pagewire.Page;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

// The README's "Add Pagewire to an existing Spring Boot app", verbatim (with StatsEndpoint):
// OrdersApplication runs it and ControllerPageEndToEndTest checks it, so that it keeps working.
@Controller
class ChatController {
    @GetMapping("/")
    String chat(Page page, Model model) {
        page.join("room");
        page.on("say", e -> page.app().topic("room").emit("message", e.data()));
        return "chat"; // templates/chat.html, as ever
    }
}
