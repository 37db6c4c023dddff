package dev.pagewire.netty.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Free TCP ports on 127.0.0.1, for programs that must be told their port in a configuration file
 * and cannot report one the kernel chose.
 *
 * <p>A port is free when picked, not reserved: another process may bind it before the program
 * does. {@link LoopbackProcess} therefore retries on a fresh port when the program reports the
 * address in use. Stateless and thread-safe.
 */
public final class FreePorts {

    /** The address every launcher in this package binds: IPv4 loopback, never a public interface. */
    public static final String LOOPBACK = "127.0.0.1";

    private FreePorts() {}

    /** A port on {@link #LOOPBACK} that nothing listened on a moment ago. */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0), 1);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a free port on " + LOOPBACK, e);
        }
    }
}
