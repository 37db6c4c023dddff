package dev.pagewire.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.ChannelRequest;
import dev.pagewire.Page;
import dev.pagewire.internal.protocol.DataFrame;
import dev.pagewire.internal.protocol.Frame;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel a page opened to an endpoint on its own connection (docs/PROTOCOL.md §12.1): one
 * endpoint instance, numbered within its page, whose frames travel in the page's one sequence.
 * Opening (authorizer, then {@code chok}, then the endpoint's handler) runs on the channel's own
 * mailbox, ahead of the channel's first event. What it does as a {@link dev.pagewire.Channel}
 * like its page (handlers, calls, emits, topics) is in {@link AbstractChannel}.
 *
 * <p>Called from the page's network thread only to queue work ({@link #deliver}, {@link #start},
 * {@link #endedQuietly}); nothing here sends or takes a lock of the page while the network
 * thread holds the page's receipts.
 */
final class EndpointChannel extends AbstractChannel {

    private static final Logger log = LoggerFactory.getLogger(EndpointChannel.class);

    enum State {
        OPENING,
        OPEN,
        CLOSED
    }

    private final LivePage page;
    private final long number;
    private final String path;
    private final JsonNode params;
    private final Hooks closeHooks = new Hooks();
    private final AtomicReference<State> state = new AtomicReference<>(State.OPENING);

    EndpointChannel(LivePage page, long number, String path, JsonNode params) {
        // Opened over its page's connection: connected already.
        super(page.application(), false, new LogContext(page.id(), path, page.application()::node));
        this.page = page;
        this.number = number;
        this.path = path;
        this.params = params;
    }

    long number() {
        return number;
    }

    @Override
    App application() {
        return page.application();
    }

    /**
     * Queues the opening: {@code endpoint} {@code null} (no endpoint at the path) or
     * {@code overLimit} refuse it, else the authorizer decides and the handler sets the channel up.
     */
    void start(Endpoint endpoint, boolean overLimit) {
        handlers.force(() -> open(endpoint, overLimit));
    }

    private void open(Endpoint endpoint, boolean overLimit) {
        if (isClosed()) {
            return;
        }
        Counts counts = page.application().counts();
        if (endpoint == null) {
            counts.endpointOpen(Counts.REFUSED);
            close("not_found", "no endpoint at " + path);
            return;
        }
        if (overLimit) {
            counts.endpointOpen(Counts.REFUSED);
            int max = page.application().settings().maxChannels();
            close("limit", "too many channels (" + max + ")");
            return;
        }
        Endpoint.Admission admission = endpoint.admit(new ChannelRequest(path, params, null, page));
        if (admission.refusal() != null) {
            counts.endpointOpen(Counts.REFUSED);
            close("refused", admission.refusal());
            return;
        }
        if (!state.compareAndSet(State.OPENING, State.OPEN)) {
            return;
        }
        page.send(page.application().codec().channelOpened(number));
        try {
            admission.setUp().open(this);
            counts.endpointOpen(Counts.OPENED);
        } catch (Exception e) {
            counts.endpointOpen(Counts.FAILED);
            log.warn("endpoint {} failed to open {}", path, this, e);
            close("error", "the endpoint failed to open the channel");
        }
    }

    /** A frame of this channel from the client; queues it (network thread). */
    void deliver(Frame.Message message) {
        if (!handlers.deliver(message)) {
            // Its handlers fell behind: this channel closes, the connection and the page go on.
            int max = page.application().settings().maxQueuedEvents();
            page.application().executor().execute(() -> close("limit", "too many events queued (limit " + max + ")"));
        }
    }

    /**
     * The channel ends without a frame: the client closed it (network thread: no answer, the rest
     * runs on the mailbox), or its page closed.
     */
    void endedQuietly() {
        if (state.getAndSet(State.CLOSED) != State.CLOSED) {
            handlers.force(this::cleanUp);
        }
    }

    private void close(String code, String reason) {
        if (state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        page.send(page.application().codec().channelClosed(number, code, reason));
        handlers.force(this::cleanUp);
    }

    /** Runs on the mailbox, after every task queued before the close. */
    private void cleanUp() {
        handlers.closeCalls();
        topics.leaveAll();
        page.forget(this);
        for (Runnable hook : closeHooks.snapshot()) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                log.warn("close hook of {} failed", this, e);
            }
        }
    }

    @Override
    public String memberId() {
        return page.id() + "/" + number;
    }

    /** Sends a data frame of this channel, unless it is closed. */
    @Override
    public void send(DataFrame frame) {
        if (!isClosed()) {
            page.send(frame.onChannel(number));
        }
    }

    // ---- Channel

    @Override
    public String path() {
        return path;
    }

    @Override
    public JsonNode params() {
        return params;
    }

    @Override
    public Page page() {
        return page;
    }

    @Override
    public void onClose(Runnable hook) {
        closeHooks.add(hook);
    }

    @Override
    public boolean isClosed() {
        return state.get() == State.CLOSED;
    }

    @Override
    public void close() {
        close("closed", "closed by the server");
    }

    @Override
    public String toString() {
        return "Channel[" + number + " " + path + " of " + page + "]";
    }
}
