package dev.pagewire.servlet.internal;

import dev.pagewire.Settings;
import dev.pagewire.spi.WebSocketHandler;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container's side of one page WebSocket: made per upgrade ({@link #config}), it sizes the
 * container's message limits from the application's settings, wraps the session as a
 * {@link ServletWebSocketConnection}, and feeds whole messages to the protocol's session, in order.
 * The socket's end reaches the session afterwards, on a thread of its own ({@link #onClose}).
 * Public only because Jakarta WebSocket containers refuse endpoint classes that are not.
 */
public final class SocketEndpoint extends Endpoint {

    private static final Logger log = LoggerFactory.getLogger(SocketEndpoint.class);

    /**
     * Tomcat's session property bounding how long a close frame with any code but 1000 may take to
     * be written, waiting for a send in progress included. Its default, 50 ms, is missed on a busy
     * server (a send's completion is dispatched to another container thread first): Tomcat then
     * ends the connection without the frame, and a browser sees 1006 instead of 1002, 1009 or
     * 4409. Other containers ignore the property.
     */
    private static final String TOMCAT_CLOSE_SEND_TIMEOUT =
            "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT";

    /** Long enough for a busy server; short enough that a client that does not read holds no thread for long. */
    private static final Long CLOSE_SEND_TIMEOUT_MILLIS = 1000L;

    private final WebSocketHandler handler;
    private final Settings settings;
    /** The protocol's session once {@link #onOpen} made it; guarded by this. */
    private dev.pagewire.spi.Session session;
    /** Whether the socket ended (possibly inside {@link #onOpen}); guarded by this. */
    private boolean ended;

    private SocketEndpoint(WebSocketHandler handler, Settings settings) {
        this.handler = handler;
        this.settings = settings;
    }

    /**
     * The endpoint configuration of one upgrade: this endpoint for {@code handler}, no origin check
     * of the container's own (the protocol made it), and {@code permessage-deflate} only when the
     * settings offer compression.
     */
    static ServerEndpointConfig config(WebSocketHandler handler, Settings settings) {
        SocketEndpoint endpoint = new SocketEndpoint(handler, settings);
        return ServerEndpointConfig.Builder.create(SocketEndpoint.class, "/")
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) {
                        return endpointClass.cast(endpoint);
                    }

                    @Override
                    public boolean checkOrigin(String originHeaderValue) {
                        return true;
                    }

                    @Override
                    public List<Extension> getNegotiatedExtensions(
                            List<Extension> installed, List<Extension> requested) {
                        return settings.compression() ? super.getNegotiatedExtensions(installed, requested) : List.of();
                    }
                })
                .build();
    }

    @Override
    public void onOpen(Session socket, EndpointConfig config) {
        int max = settings.maxMessageBytes();
        socket.setMaxTextMessageBufferSize(max);
        socket.setMaxBinaryMessageBufferSize(max);
        socket.setMaxIdleTimeout(0); // the protocol's heartbeats and idle timeout watch the connection
        socket.getUserProperties().put(TOMCAT_CLOSE_SEND_TIMEOUT, CLOSE_SEND_TIMEOUT_MILLIS);
        ServletWebSocketConnection connection = new ServletWebSocketConnection(socket);
        dev.pagewire.spi.Session s = handler.open(connection);
        boolean endedInOpen;
        synchronized (this) {
            session = s;
            endedInOpen = ended;
        }
        if (endedInOpen) {
            // The hello failed and the container ended the socket inside open: nothing will come.
            Thread.ofVirtual().start(s::closed);
            return;
        }
        socket.addMessageHandler(String.class, (MessageHandler.Whole<String>) s::text);
        socket.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) buffer -> {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            s.binary(bytes);
        });
    }

    /**
     * Tells the protocol's session that the socket ended, once, on a virtual thread of its own: the
     * containers call this right inside our own sends and closes (Jetty when a write fails, Tomcat
     * inside {@code Session.close}), where the protocol holds its locks; told there, the page would
     * detach the connection in the middle of sending on it.
     */
    @Override
    public void onClose(Session socket, CloseReason reason) {
        dev.pagewire.spi.Session s;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            s = session;
        }
        if (s != null) {
            Thread.ofVirtual().start(s::closed);
        }
    }

    @Override
    public void onError(Session socket, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("WebSocket {} ended: {}", socket.getId(), cause.toString());
        } else {
            log.debug("WebSocket {} failed: {}", socket.getId(), cause.toString());
        }
    }
}
