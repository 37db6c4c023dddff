package dev.pagewire.netty.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link WebSocketConnection} at its edges that a running server does not reach on demand. */
class WebSocketConnectionTest {

    @Test
    void closingAfterTheServerHasShutDownDoesNotThrow() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        LocalChannel channel = new LocalChannel();
        group.register(channel).sync();
        WebSocketConnection connection = new WebSocketConnection(channel, true);
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();

        // As App.close does for a page whose connection was still attached when the server stopped.
        assertDoesNotThrow(() -> connection.close(1001, "going away"));
    }
}
