package dev.pagewire.netty.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Takes the requests of a connection that the protocol does not claim, with their bodies as they
 * arrive instead of aggregated: the gateway forwards them to its backend. Without one, such requests
 * get {@code 404}. For {@code pagewire-gateway}; not an API.
 *
 * <p>Everything here runs on the client connection's event loop. Requests of one connection are
 * still answered one at a time, in order: the next request (forwarded or the protocol's) goes once
 * {@link Flow#done()} was called for this one.
 */
public interface PassThrough {

    /**
     * A request the protocol does not claim: its head now, its body through the returned
     * {@link Forward} (every part, the last one a {@code LastHttpContent}).
     *
     * @param client the client connection's context, for writing the response
     * @param head the request head; no body (never a {@code FullHttpRequest})
     * @param flow what the forwarder tells the connection
     */
    Forward open(ChannelHandlerContext client, HttpRequest head, Flow flow);

    /** One forwarded request, as its connection feeds it. */
    interface Forward {

        /** A part of the request body, in order; the forwarder owns (and releases) it. */
        void content(HttpContent part);

        /** The client connection became writable again (after the forwarder wrote too much). */
        void clientWritable();

        /** The client connection closed before {@link Flow#done()}. */
        void clientClosed();
    }

    /** What a forwarder tells the client connection. */
    interface Flow {

        /** Stops ({@code true}) or resumes reading the client's request, for backpressure on its body. */
        void pauseReading(boolean paused);

        /** The response is written in full: the connection's next request may go. Once. */
        void done();

        /**
         * The backend switched protocols ({@code 101}, written to the client already): the
         * connection's HTTP handlers make way for {@code relay}, which gets the raw bytes from now on
         * (those the HTTP decoder had read ahead included). Reading is paused; the relay resumes it
         * with {@code autoRead}. The connection is no HTTP connection any more: {@link #done()} is not
         * called.
         */
        void switchToRaw(ChannelHandler relay);
    }
}
