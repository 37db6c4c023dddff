package dev.pagewire.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.backplane.Backplane;
import dev.pagewire.backplane.InMemoryBackplane;
import dev.pagewire.internal.App;
import dev.pagewire.servlet.PagewireFilter;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** When the auto-configuration applies, what it makes, what an application may replace, and how properties bind. */
class PagewireAutoConfigurationTest {

    private final WebApplicationContextRunner web =
            new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(PagewireAutoConfiguration.class));

    @Test
    void aServletWebApplicationGetsTheApplicationItsFilterAndThePageArgument() {
        web.run(context -> {
            assertThat(context).hasSingleBean(Pagewire.class);
            assertThat(context).hasSingleBean(PagewireProperties.class);
            assertThat(context).hasBean("pagewireWebMvcConfigurer");
            FilterRegistrationBean<?> filter = context.getBean("pagewireFilter", FilterRegistrationBean.class);
            assertThat(filter.getFilter()).isInstanceOf(PagewireFilter.class);
            assertThat(filter.getFilterName()).isEqualTo("pagewire");
            assertThat(filter.getUrlPatterns()).containsExactly("/*");
            assertThat(filter.isAsyncSupported()).isTrue();
            assertThat(filter.getOrder()).isEqualTo(PagewireAutoConfiguration.FILTER_ORDER);
        });
    }

    @Test
    void anApplicationThatIsNoServletWebApplicationGetsNothing() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PagewireAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(Pagewire.class);
                    assertThat(context).doesNotHaveBean(PagewireProperties.class);
                });
        new ReactiveWebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PagewireAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(Pagewire.class));
    }

    @Test
    void withoutTheServletAdapterOnTheClassPathItBacksOff() {
        web.withClassLoader(new FilteredClassLoader(PagewireFilter.class)).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(Pagewire.class);
            assertThat(context).doesNotHaveBean("pagewireFilter");
        });
    }

    @Test
    void withoutSpringMvcTheFilterStaysAndThePageArgumentGoes() {
        web.withClassLoader(new FilteredClassLoader(WebMvcConfigurer.class)).run(context -> {
            assertThat(context).hasSingleBean(Pagewire.class);
            assertThat(context).hasBean("pagewireFilter");
            assertThat(context).doesNotHaveBean("pagewireWebMvcConfigurer");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        static final Pagewire OWN = Pagewire.create(s -> s.maxChannels(3));

        @Bean
        Pagewire myPagewire() {
            return OWN;
        }

        @Bean
        FilterRegistrationBean<PagewireFilter> pagewireFilter(Pagewire app) {
            FilterRegistrationBean<PagewireFilter> registration = new FilterRegistrationBean<>(new PagewireFilter(app));
            registration.addUrlPatterns("/live/*");
            return registration;
        }

        static final WebMvcConfigurer OWN_MVC = new WebMvcConfigurer() {};

        @Bean
        WebMvcConfigurer pagewireWebMvcConfigurer() {
            return OWN_MVC;
        }
    }

    @Test
    void theApplicationsOwnBeansReplaceOurs() {
        web.withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).hasSingleBean(Pagewire.class);
            assertThat(context.getBean(Pagewire.class)).isSameAs(OwnBeans.OWN);
            FilterRegistrationBean<?> filter = context.getBean("pagewireFilter", FilterRegistrationBean.class);
            assertThat(filter.getUrlPatterns()).containsExactly("/live/*");
            assertThat(context.getBean("pagewireWebMvcConfigurer")).isSameAs(OwnBeans.OWN_MVC);
        });
    }

    @Test
    void propertiesBindIntoTheApplicationsSettings() {
        String secret = "a secret of more than thirty-two bytes";
        web.withPropertyValues(
                        "pagewire.max-message-bytes=128KB",
                        "pagewire.max-json-depth=8",
                        "pagewire.max-queued-events=64",
                        "pagewire.max-outbound-bytes=8MB",
                        "pagewire.max-replay-frames=4096",
                        "pagewire.max-replay-bytes=2097152",
                        "pagewire.call-timeout=5s",
                        "pagewire.heartbeat-interval=PT10S",
                        "pagewire.idle-timeout=25000",
                        "pagewire.close-grace-period=1m",
                        "pagewire.token-ttl=90s",
                        "pagewire.poll-timeout=1500ms",
                        "pagewire.allowed-origins=https://a.example, https://b.example",
                        "pagewire.allow-credentials=true",
                        "pagewire.max-channels=4",
                        "pagewire.compression=false",
                        "pagewire.connect-timeout=2s",
                        "pagewire.upgrade-after=30s",
                        "pagewire.reload-on-expired=true",
                        "pagewire.topic-history=20",
                        "pagewire.drain-timeout=12s",
                        "pagewire.secret=" + secret,
                        "pagewire.servlet.max-request-bytes=2KB")
                .run(context -> {
                    Settings s = context.getBean(Pagewire.class).settings();
                    assertThat(s.maxMessageBytes()).isEqualTo(128 * 1024);
                    assertThat(s.maxJsonDepth()).isEqualTo(8);
                    assertThat(s.maxQueuedEvents()).isEqualTo(64);
                    assertThat(s.maxOutboundBytes()).isEqualTo(8L * 1024 * 1024);
                    assertThat(s.maxReplayFrames()).isEqualTo(4096);
                    assertThat(s.maxReplayBytes()).isEqualTo(2097152);
                    assertThat(s.callTimeout()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(s.idleTimeout()).isEqualTo(Duration.ofMillis(25000));
                    assertThat(s.closeGracePeriod()).isEqualTo(Duration.ofMinutes(1));
                    assertThat(s.tokenTtl()).isEqualTo(Duration.ofSeconds(90));
                    assertThat(s.pollTimeout()).isEqualTo(Duration.ofMillis(1500));
                    assertThat(s.allowedOrigins()).isEqualTo(Set.of("https://a.example", "https://b.example"));
                    assertThat(s.allowCredentials()).isTrue();
                    assertThat(s.maxChannels()).isEqualTo(4);
                    assertThat(s.compression()).isFalse();
                    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(s.upgradeAfter()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(s.reloadOnExpired()).isTrue();
                    assertThat(s.topicHistory()).isEqualTo(20);
                    assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(12));
                    assertThat(s.secret()).isEqualTo(secret.getBytes(StandardCharsets.UTF_8));
                    assertThat(context.getBean(PagewireProperties.class)
                                    .servletSettings()
                                    .maxRequestBytes())
                            .isEqualTo(2048);
                });
    }

    @Test
    void withoutPropertiesEverySettingIsPagewiresDefault() throws Exception {
        Settings defaults = Settings.defaults();
        web.run(context -> {
            Settings bound = context.getBean(Pagewire.class).settings();
            for (RecordComponent component : Settings.class.getRecordComponents()) {
                if (!component.getName().equals("secret")) {
                    assertThat(component.getAccessor().invoke(bound))
                            .as(component.getName())
                            .isEqualTo(component.getAccessor().invoke(defaults));
                }
            }
            assertThat(context.getBean(PagewireProperties.class).servletSettings())
                    .isEqualTo(dev.pagewire.servlet.ServletSettings.defaults());
        });
    }

    @Test
    void aSettingOutOfRangeFailsTheStartNamingIt() {
        web.withPropertyValues("pagewire.heartbeat-interval=30s", "pagewire.idle-timeout=20s")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("idleTimeout (PT20S) must be longer than heartbeatInterval (PT30S)");
                    assertThat(context.getStartupFailure())
                            .hasStackTraceContaining("a pagewire.* property is out of range");
                });
        web.withPropertyValues("pagewire.max-message-bytes=3GB")
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("pagewire.max-message-bytes must be below 2GB, got 3221225472B"));
    }

    /** A service that pushes through the application: customizers may depend on it. */
    static final class Greeter {
        final Pagewire app;

        Greeter(Pagewire app) {
            this.app = app;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {
        final List<String> calls = new ArrayList<>();

        @Bean
        Greeter greeter(Pagewire app) {
            return new Greeter(app);
        }

        @Bean
        @Order(2)
        PagewireCustomizer second(Greeter greeter) {
            return app -> {
                assertThat(app).isSameAs(greeter.app);
                calls.add("second");
            };
        }

        @Bean
        @Order(1)
        PagewireCustomizer first() {
            return app -> {
                app.endpoint("/stats", channel -> channel.emit("hello", "stats"));
                calls.add("first");
            };
        }
    }

    @Test
    void customizersRunOnceInOrderAndMayDependOnTheApplication() {
        web.withUserConfiguration(Customizers.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Customizers.class).calls).containsExactly("first", "second");
            assertThatThrownBy(() -> context.getBean(Pagewire.class).endpoint("/stats", channel -> {}))
                    .hasMessageContaining("registered at /stats already");
        });
    }

    @Test
    void theApplicationClosesWithTheContext() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        web.run(context -> {
            Page page = context.getBean(Pagewire.class).newPage("/orders/42");
            page.onClose(closed::countDown);
        });
        assertThat(closed.await(10, TimeUnit.SECONDS))
                .as("the page's close hook ran")
                .isTrue();
    }

    @Configuration(proxyBeanMethods = false)
    static class OnACluster {
        @Bean
        Backplane backplane() {
            return new InMemoryBackplane();
        }
    }

    @Test
    void aBackplaneBeanMakesTheApplicationANodeThatDrainsWhenTheContextStops() {
        web.withUserConfiguration(OnACluster.class)
                .withPropertyValues("pagewire.drain-timeout=100ms")
                .run(context -> {
                    App app = (App) context.getBean(Pagewire.class);
                    assertThat(app.backplane()).isSameAs(context.getBean(Backplane.class));
                    assertThat(context).hasBean("pagewireDrain");
                    assertThat(app.isDraining()).isFalse();
                    context.stop();
                    assertThat(app.isDraining()).isTrue();
                });
        web.run(context -> assertThat(context).doesNotHaveBean("pagewireDrain"));
    }
}
