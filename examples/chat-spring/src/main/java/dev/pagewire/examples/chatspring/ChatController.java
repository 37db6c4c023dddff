package dev.pagewire.examples.chatspring;

import dev.pagewire.Page;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** Renders the chat: every GET of {@code /} is a new page, with its own name, in the room. */
@Controller
class ChatController {

    private final ChatRoom room;

    ChatController(ChatRoom room) {
        this.room = room;
    }

    @GetMapping("/")
    String chat(Page page, Model model) {
        room.join(page);
        model.addAttribute("maxLength", ChatRoom.MAX_MESSAGE_LENGTH);
        return "chat";
    }
}
