package dev.pagewire.bench.load;

import java.util.concurrent.CompletableFuture;

/** Opens {@link Link}s of one protocol and transport to the server under test. Thread-safe. */
interface Dialer {

    /**
     * Opens a link; the future completes once the server said the channel is ready (Pagewire
     * {@code hello}, Socket.IO's connect packet, a raw WebSocket's handshake), or fails saying why.
     *
     * @param withPage whether to GET the page {@code /echo} first, as a browser would; Pagewire always
     *     does (the page's token comes from it)
     */
    CompletableFuture<Link> open(Link.Listener listener, boolean withPage);
}
