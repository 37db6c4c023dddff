package dev.pagewire.internal.http;

import dev.pagewire.internal.App;
import dev.pagewire.internal.Attachment;
import dev.pagewire.spi.Session;

/**
 * A page's channel over WebSocket (docs/PROTOCOL.md §2): the adapter completes the handshake, then the
 * connection attaches to the page its token names and resumes from the client's ack. A refused
 * attachment closes the new connection at once with the refusal's code and reason, so the browser
 * learns why. The router checked the Origin.
 */
final class WebSockets {

    /** The session of a refused connection: whatever it still sends is dropped. */
    private static final Session REFUSED = new Session() {
        @Override
        public void text(String message) {}

        @Override
        public void binary(byte[] message) {}

        @Override
        public void closed() {}
    };

    private final App app;
    private final Refusals refusals;

    WebSockets(App app, Refusals refusals) {
        this.app = app;
        this.refusals = refusals;
    }

    void upgrade(Request request) {
        String path = request.path();
        String token = request.param("pagewire");
        String ack = request.param("ack");
        // Read now: a Servlet container may recycle the request once the socket is open.
        java.net.InetSocketAddress client = Refusals.client(request);
        request.exchange().upgrade(connection -> switch (app.attach(path, token, ack, connection)) {
            case Attachment.Accepted a -> a.session();
            case Attachment.Refused r -> {
                refusals.refused("WebSocket", path, client, r);
                connection.close(r.code(), r.reason());
                yield REFUSED;
            }
        });
    }
}
