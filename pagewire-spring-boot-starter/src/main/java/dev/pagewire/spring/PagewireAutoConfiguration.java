package dev.pagewire.spring;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.backplane.Backplane;
import dev.pagewire.metrics.PagewireMetrics;
import dev.pagewire.servlet.PagewireFilter;
import jakarta.servlet.DispatcherType;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Pagewire in a Spring Boot servlet application (embedded Tomcat or Jetty): a {@link Pagewire} bean
 * configured by the {@code pagewire.*} properties ({@link PagewireProperties}) and set up by every
 * {@link PagewireCustomizer} bean; its {@link PagewireFilter} on every path, in front of the
 * application's other filters; and, with Spring MVC, a {@link Page} argument for controller methods,
 * the page of the view that method renders:
 *
 * <pre>{@code
 * @GetMapping("/")
 * String chat(Page page, Model model) {
 *     page.on("say", e -> page.emit("said", e.data()));
 *     return "chat"; // the filter injects the client into the rendered HTML
 * }
 * }</pre>
 *
 * <p>With Actuator, Pagewire's meters ({@code pagewire.*}, docs/OPERATIONS.md) join Actuator's meter
 * registry and its readiness joins {@code /actuator/health} as {@code pagewire}.
 *
 * <p>Applies to servlet web applications only. Each bean backs off when the application declares its
 * own: a {@code Pagewire} bean, or beans named {@code pagewireFilter} or {@code pagewireWebMvcConfigurer}.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(PagewireFilter.class)
@EnableConfigurationProperties(PagewireProperties.class)
public final class PagewireAutoConfiguration {

    /**
     * The order of the filter's registration: right after Spring's character-encoding and observation
     * filters, before everything else (security, sessions, form parsing), so that Pagewire's own
     * requests (channels carrying signed page tokens, fallback POSTs) pass no CSRF check or login and
     * its request bodies are read by no one else.
     */
    public static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    /** Created by Spring Boot when it applies the auto-configuration; applications do not call it. */
    public PagewireAutoConfiguration() {}

    /**
     * The application, created from the {@code pagewire.*} properties; closed with the context. With a
     * {@link Backplane} bean (for example {@code RedisBackplane.connect(…)} from {@code pagewire-redis}),
     * it is a node of that cluster (docs/CLUSTER.md).
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Pagewire pagewire(PagewireProperties properties, ObjectProvider<Backplane> backplane) {
        Backplane cluster = backplane.getIfUnique();
        try {
            return cluster == null
                    ? Pagewire.create(properties::applyTo)
                    : Pagewire.create(cluster, properties::applyTo);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("a pagewire.* property is out of range: " + e.getMessage(), e);
        }
    }

    /**
     * On a cluster: when the context stops, the node drains ({@link Pagewire#drain()}) while its web
     * server still serves, before Spring's graceful shutdown of the server: its pages move to the
     * other nodes.
     */
    @Bean
    @ConditionalOnBean(Backplane.class)
    @ConditionalOnMissingBean(name = "pagewireDrain")
    SmartLifecycle pagewireDrain(Pagewire app) {
        return new Drain(app);
    }

    /** Runs {@link Pagewire#drain()} on stop, in the first shutdown phase, off the caller's thread. */
    static final class Drain implements SmartLifecycle {
        private final Pagewire app;
        private volatile boolean running;

        Drain(Pagewire app) {
            this.app = app;
        }

        @Override
        public void start() {
            running = true;
        }

        @Override
        public void stop() {
            app.drain();
            running = false;
        }

        @Override
        public void stop(Runnable callback) {
            Thread.ofVirtual().name("pagewire-drain").start(() -> {
                try {
                    stop();
                } finally {
                    callback.run();
                }
            });
        }

        @Override
        public boolean isRunning() {
            return running;
        }
    }

    /** Calls the {@link PagewireCustomizer} beans once every singleton exists. */
    @Bean
    static CustomizerCalls pagewireCustomizerCalls(
            ObjectProvider<Pagewire> app, ObjectProvider<PagewireCustomizer> customizers) {
        return new CustomizerCalls(app, customizers);
    }

    /** The filter, on {@code /*}, async-supported (the fallbacks hold requests open), at {@link #FILTER_ORDER}. */
    @Bean
    @ConditionalOnMissingBean(name = "pagewireFilter")
    FilterRegistrationBean<PagewireFilter> pagewireFilter(Pagewire app, PagewireProperties properties) {
        FilterRegistrationBean<PagewireFilter> registration =
                new FilterRegistrationBean<>(new PagewireFilter(app, properties.servletSettings()));
        registration.setName("pagewire");
        registration.setAsyncSupported(true);
        registration.addUrlPatterns("/*");
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.setOrder(FILTER_ORDER);
        return registration;
    }

    /**
     * With Micrometer on the class path (Actuator brings it): Pagewire's meters (docs/OPERATIONS.md),
     * a {@code MeterBinder} that Boot binds to its registry, so they show in {@code /actuator/metrics}
     * and {@code /actuator/prometheus}.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class Metrics {

        @Bean
        @ConditionalOnMissingBean
        PagewireMetrics pagewireMetrics(Pagewire app) {
            return new PagewireMetrics(app);
        }
    }

    /**
     * With Spring Boot's health support (Actuator brings it): a health contributor named {@code
     * pagewire}, {@code UP} while the node takes new pages, {@code OUT_OF_SERVICE} with the reason
     * while it drains or is cut off from its cluster ({@link Pagewire#health()}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class HealthCheck {

        @Bean
        @ConditionalOnMissingBean(name = "pagewireHealthIndicator")
        HealthIndicator pagewireHealthIndicator(Pagewire app) {
            return () -> {
                dev.pagewire.Health health = app.health();
                Health.Builder builder = health.ready() ? Health.up() : Health.outOfService();
                return builder.withDetail("state", health.state().name())
                        .withDetail("reason", health.reason())
                        .withDetail("pages", app.pageCount())
                        .withDetail("node", app.node())
                        .build();
            };
        }
    }

    /** With Spring MVC: the {@link Page} argument of controller methods. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(WebMvcConfigurer.class)
    static class Mvc {

        @Bean
        @ConditionalOnMissingBean(name = "pagewireWebMvcConfigurer")
        WebMvcConfigurer pagewireWebMvcConfigurer() {
            return new WebMvcConfigurer() {
                @Override
                public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                    resolvers.add(new PageArgumentResolver());
                }
            };
        }
    }
}
