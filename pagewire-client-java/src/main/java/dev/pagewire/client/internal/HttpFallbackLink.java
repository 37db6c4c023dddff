package dev.pagewire.client.internal;

import java.net.http.HttpClient;
import java.util.List;

/**
 * What the two HTTP fallbacks share (docs/PROTOCOL.md §8.5): their upstream, the POSTs and the bye
 * of an {@link HttpLink}, and closing through it. Each fallback reads its own downstream and says
 * how to abort it.
 */
abstract sealed class HttpFallbackLink implements Link permits SseLink, LongPollingLink {

    /** The fallback's connection: its number, its POSTs, how it ends. */
    protected final HttpLink link;

    protected HttpFallbackLink(HttpClient http, String base, Events events) {
        this.link = new HttpLink(this, http, base, events, this::abortDown);
    }

    /** Aborts the downstream in flight (the stream or the poll); called when the link ends. */
    protected abstract void abortDown();

    @Override
    public final void send(List<Outgoing> frames) {
        link.send(frames);
    }

    @Override
    public final void whenDrained(Runnable task) {
        link.whenDrained(task);
    }

    @Override
    public final void bye() {
        link.bye();
    }

    @Override
    public final void close(int code, String reason) {
        link.close();
    }
}
