package dev.pagewire.spi;

import dev.pagewire.Page;
import dev.pagewire.Settings;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A {@link Protocol} that passes everything to another one: the base of a server's own routes put
 * in front of the protocol (a metrics scrape, an API), which override {@link #handle} and
 * {@link #claims} to take their requests first and leave the rest to {@link #delegate()}.
 * Thread-safe if the delegate is.
 */
public abstract class ForwardingProtocol implements Protocol {

    private final Protocol delegate;

    /**
     * @param delegate the protocol that answers what this one does not take
     * @throws NullPointerException if it is null
     */
    protected ForwardingProtocol(Protocol delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** {@return the protocol that answers what this one does not take} */
    protected final Protocol delegate() {
        return delegate;
    }

    @Override
    public boolean handle(HttpExchange exchange) {
        return delegate.handle(exchange);
    }

    @Override
    public boolean claims(HttpExchange exchange) {
        return delegate.claims(exchange);
    }

    @Override
    public Settings settings() {
        return delegate.settings();
    }

    @Override
    public String clientScript(Page page, String contextPath) {
        return delegate.clientScript(page, contextPath);
    }

    @Override
    public String injectClient(String html, Page page, String contextPath) {
        return delegate.injectClient(html, page, contextPath);
    }

    @Override
    public void batchHandlerStarts(Executor endOfPass) {
        delegate.batchHandlerStarts(endOfPass);
    }
}
