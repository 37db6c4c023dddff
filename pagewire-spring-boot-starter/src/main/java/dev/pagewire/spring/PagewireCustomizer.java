package dev.pagewire.spring;

import dev.pagewire.Pagewire;

/**
 * Sets up the application's {@link Pagewire} in a Spring Boot application: declare beans of this type
 * to register endpoints, page routes, static files and topic configuration.
 *
 * <pre>{@code
 * @Bean
 * PagewireCustomizer stocks(Prices prices) {
 *     return app -> app.endpoint("/stocks", channel -> channel.on("watch", e -> prices.watch(channel, e.text())));
 * }
 * }</pre>
 *
 * <p>Every customizer is called once, on the thread that starts the context, after every singleton
 * bean is created and before the web server takes requests; in {@link org.springframework.core.annotation.Order
 * @Order}. So a customizer may itself depend on the {@link Pagewire} bean and on any other bean.
 */
@FunctionalInterface
public interface PagewireCustomizer {

    /**
     * Registers what this bean contributes on {@code app}.
     *
     * @param app the application's {@code Pagewire} bean, before the web server takes requests
     * @throws RuntimeException to fail the context's start, e.g. {@code IllegalArgumentException} from
     *     a path registered twice
     */
    void customize(Pagewire app);
}
