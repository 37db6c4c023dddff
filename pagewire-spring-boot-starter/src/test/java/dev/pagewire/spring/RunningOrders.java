package dev.pagewire.spring;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@link OrdersApplication} started for a test class on a free port of 127.0.0.1, quiet, with the
 * test's own properties on top. Closing it stops the application.
 *
 * @param context the running application
 * @param base its root URL, {@code http://127.0.0.1:PORT/}
 */
record RunningOrders(ConfigurableApplicationContext context, URI base) implements AutoCloseable {

    static RunningOrders start(String... properties) {
        List<String> all = new ArrayList<>(List.of(
                "server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off", "logging.level.root=warn"));
        all.addAll(List.of(properties));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(OrdersApplication.class)
                .properties(all.toArray(String[]::new))
                .run();
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return new RunningOrders(context, URI.create("http://127.0.0.1:" + port + "/"));
    }

    @Override
    public void close() {
        context.close();
    }
}
