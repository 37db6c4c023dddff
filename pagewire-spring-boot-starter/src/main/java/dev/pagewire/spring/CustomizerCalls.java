package dev.pagewire.spring;

import dev.pagewire.Pagewire;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Calls every {@link PagewireCustomizer} bean with the {@link Pagewire} bean, in order, once every
 * singleton exists (before the web server starts taking requests). Waiting until then, rather than
 * calling them while the {@code Pagewire} bean is made, lets a customizer depend on the
 * {@code Pagewire} bean, or on a service that does, without a cycle.
 */
final class CustomizerCalls implements SmartInitializingSingleton {

    private final ObjectProvider<Pagewire> app;
    private final ObjectProvider<PagewireCustomizer> customizers;

    CustomizerCalls(ObjectProvider<Pagewire> app, ObjectProvider<PagewireCustomizer> customizers) {
        this.app = app;
        this.customizers = customizers;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Pagewire pagewire = app.getObject();
        customizers.orderedStream().forEach(customizer -> customizer.customize(pagewire));
    }
}
