package dev.pagewire.examples.chatspring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The chat example as an ordinary Spring Boot application: {@link ChatController} renders the page
 * from a Thymeleaf template and sets up its {@code Page}; {@link ChatRoom} is the room, its clock and
 * its head count; {@link StatsEndpoint} is the {@code /stats} endpoint. The Pagewire starter does the
 * rest (the filter, the client injected into the page, the {@code Pagewire} bean).
 *
 * <p>Run: {@code java -jar examples/chat-spring/target/pagewire-chat-spring.jar [--server.port=8080]
 * [--server.address=127.0.0.1]}; every Spring Boot and {@code pagewire.*} property works the same way.
 */
@SpringBootApplication
public class ChatSpringApp {

    public static void main(String[] args) {
        SpringApplication.run(ChatSpringApp.class, args);
    }
}
