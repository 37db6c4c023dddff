package dev.pagewire.internal;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.pagewire.internal.protocol.Frame;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The channels a page opened to endpoints on its own connection (docs/PROTOCOL.md §12.1), by
 * number. The network thread only looks channels up and queues work on them; everything a channel
 * does runs on its own mailbox. Thread-safe.
 */
final class PageChannels {

    private final LivePage page;
    /** Made at the first {@code chopen} (under this object's lock): most pages open no channel. */
    private volatile Map<Long, EndpointChannel> open;
    /** The highest number opened so far: numbers only grow and are never reused. */
    private long highest;

    PageChannels(LivePage page) {
        this.page = page;
    }

    /**
     * A {@code chopen}: creates the channel and queues its opening (a refusal too: {@code not_found}
     * or {@code limit} are answered from the channel's own mailbox, in order with the rest).
     *
     * @return {@code false} if the number was used before: a protocol error the caller reports
     */
    boolean open(Frame.ChannelOpen frame) {
        EndpointChannel channel;
        boolean overLimit;
        synchronized (this) {
            if (frame.channel() <= highest) {
                return false;
            }
            highest = frame.channel();
            if (open == null) {
                open = new ConcurrentHashMap<>();
            }
            overLimit = open.size() >= page.application().settings().maxChannels();
            channel = new EndpointChannel(
                    page,
                    frame.channel(),
                    frame.path(),
                    frame.params() == null ? NullNode.getInstance() : frame.params());
            open.put(frame.channel(), channel);
        }
        channel.start(page.application().endpoint(frame.path()), overLimit);
        return true;
    }

    /** A frame of channel {@code c}; dropped if that channel is closed or was never opened. */
    void deliver(Frame.OnChannel frame) {
        EndpointChannel channel = get(frame.channel());
        if (channel != null) {
            channel.deliver(frame.message());
        }
    }

    /** The client closed channel {@code c}; a no-op for a channel already gone. */
    void closedByClient(Frame.ChannelClose frame) {
        EndpointChannel channel = get(frame.channel());
        if (channel != null) {
            channel.endedQuietly();
        }
    }

    /** The page closed: every channel ends with it. */
    void closeAll() {
        Map<Long, EndpointChannel> o = open;
        if (o == null) {
            return;
        }
        for (EndpointChannel channel : List.copyOf(o.values())) {
            channel.endedQuietly();
        }
    }

    void forget(EndpointChannel channel) {
        Map<Long, EndpointChannel> o = open;
        if (o != null) {
            o.remove(channel.number(), channel);
        }
    }

    /** Events and calls queued for the channels' handlers now (metrics). */
    int queued() {
        Map<Long, EndpointChannel> o = open;
        if (o == null) {
            return 0;
        }
        int n = 0;
        for (EndpointChannel channel : o.values()) {
            n += channel.handlers.queued();
        }
        return n;
    }

    /** Channels open or opening now (tests, diagnostics). */
    int size() {
        Map<Long, EndpointChannel> o = open;
        return o == null ? 0 : o.size();
    }

    /** Channel {@code number}, or {@code null} (tests). */
    EndpointChannel get(long number) {
        Map<Long, EndpointChannel> o = open;
        return o == null ? null : o.get(number);
    }
}
