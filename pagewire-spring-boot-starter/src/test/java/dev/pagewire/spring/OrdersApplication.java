package dev.pagewire.spring;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.View;

/**
 * An ordinary Spring MVC application for the end-to-end tests: a controller whose view gets a page,
 * a view that writes HTML as a template engine does, a service that pushes through the
 * {@code Pagewire} bean, and the README's controller and endpoint.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({OrdersApplication.Orders.class, OrdersApplication.Announcer.class})
@ComponentScan("dev.pagewire.spring.readme")
class OrdersApplication {

    @Controller
    static class Orders {

        @GetMapping("/orders/{id}")
        String order(@PathVariable String id, Page page, Model model) {
            page.on("say", e -> page.emit("said", e.data()));
            page.join("orders");
            model.addAttribute("id", id);
            return "order";
        }

        @GetMapping("/plain")
        @ResponseBody
        String plain() {
            return "plain";
        }
    }

    /** A service: it reaches every order page through the application's topics. */
    static class Announcer {
        private final Pagewire app;

        Announcer(Pagewire app) {
            this.app = app;
        }

        void announce(String text) {
            app.topic("orders").emit("announced", text);
        }
    }

    /** The "order" view, written through the response's writer as template engines write. */
    @Bean
    View order() {
        return new View() {
            @Override
            public String getContentType() {
                return "text/html;charset=UTF-8";
            }

            @Override
            public void render(Map<String, ?> model, HttpServletRequest request, HttpServletResponse response)
                    throws IOException {
                response.setContentType(getContentType());
                response.getWriter()
                        .write("<!doctype html><html><head><title>order " + model.get("id")
                                + "</title></head><body>é</body></html>");
            }
        };
    }

    private static View html(String html) {
        return new View() {
            @Override
            public String getContentType() {
                return "text/html;charset=UTF-8";
            }

            @Override
            public void render(Map<String, ?> model, HttpServletRequest request, HttpServletResponse response)
                    throws IOException {
                response.setContentType(getContentType());
                response.getWriter().write(html);
            }
        };
    }

    /** The "chat" view of the README's controller. */
    @Bean
    View chat() {
        return html("<!doctype html><html><head><title>chat</title></head><body></body></html>");
    }
}
