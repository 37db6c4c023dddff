package dev.pagewire.netty.testing;

import dev.pagewire.netty.testing.FaultyRelay.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One connection through a {@link FaultyRelay}: the socket a client opened to the relay, the
 * socket the relay opened to the target, and two pumps copying bytes between them, one per
 * {@link Direction}, each on its own virtual thread.
 *
 * <p>Thread-safe: the pumps, the relay's accept thread and test threads (through the relay's
 * faults) meet only in {@link #state}, which only moves forward: OPEN, maybe DRAINING, CLOSED.
 */
final class RelayLink {

    /**
     * The most one pump reads at once, and so the most a stall holds per direction. Large enough
     * for bulk transfers to run at memory speed, small enough for hundreds of connections.
     */
    static final int BUFFER_BYTES = 32 * 1024;

    private enum State {
        /** Bytes flow both ways. */
        OPEN,
        /**
         * A byte cut fired: the receiving side got its last byte and a FIN, the sending side a reset.
         * The pump that reads the receiving side goes on reading and discards what comes, until that
         * side closes, so a close with unread data does not turn the FIN into a reset that would
         * throw away bytes still in the kernel's send buffer.
         */
        DRAINING,
        /** Both sockets closed or reset; the pumps end. */
        CLOSED
    }

    private final FaultyRelay relay;
    private final Socket client;
    private final Socket server = new Socket();
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
    private final AtomicInteger pumpsRunning = new AtomicInteger(2);

    RelayLink(FaultyRelay relay, Socket client) {
        this.relay = relay;
        this.client = client;
    }

    /** Whether bytes still flow: not cut, reset or ended. */
    boolean isOpen() {
        return state.get() == State.OPEN;
    }

    /**
     * Connects to the target, starts the downstream pump on a new thread and runs the upstream one
     * on this thread. If the target cannot be reached the client is reset, as a proxy without a
     * backend would.
     */
    void connectAndPumpUpstream() {
        try {
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            server.connect(relay.target(), (int) FaultyRelay.CONNECT_TIMEOUT.toMillis());
        } catch (IOException e) {
            // The target is down, or the link was reset while connecting: the client sees a reset.
            reset(false);
            end();
            return;
        }
        try {
            relay.run(() -> pump(Direction.DOWNSTREAM));
        } catch (RejectedExecutionException e) {
            reset(false); // The relay is closing.
            end();
            return;
        }
        pump(Direction.UPSTREAM);
    }

    /**
     * Resets both sockets (RST to both peers), dropping whatever is held. Returns whether this
     * counted as a cut: only when {@code fault} is true and the link was open.
     */
    boolean reset(boolean fault) {
        State was = state.getAndSet(State.CLOSED);
        if (was == State.CLOSED) {
            return false;
        }
        resetQuietly(client);
        resetQuietly(server);
        relay.wakeStalled();
        boolean counted = fault && was == State.OPEN;
        if (counted) {
            relay.countCut();
        }
        return counted;
    }

    /** Closes {@code socket} with an RST (SO_LINGER 0) rather than a FIN, unsent data dropped. */
    static void resetQuietly(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // Already closed: the reset, or a plain close, has happened.
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // A close that fails leaves nothing to undo; the peer sees the end either way.
        }
    }

    private Socket source(Direction direction) {
        return direction == Direction.UPSTREAM ? client : server;
    }

    private Socket sink(Direction direction) {
        return direction == Direction.UPSTREAM ? server : client;
    }

    /** Copies {@code direction}'s bytes until its source ends or the link is reset. */
    private void pump(Direction direction) {
        byte[] buffer = new byte[BUFFER_BYTES];
        try {
            InputStream in = source(direction).getInputStream();
            OutputStream out = sink(direction).getOutputStream();
            while (true) {
                int read = in.read(buffer);
                if (read < 0) {
                    if (isOpen()) {
                        halfClose(sink(direction));
                    }
                    return;
                }
                relay.countReceived(direction, read);
                if (!isOpen()) {
                    continue; // Draining after a cut: discard.
                }
                relay.awaitFlow(this);
                if (!isOpen()) {
                    continue; // Cut during a stall: what was held is dropped.
                }
                int allowed = read;
                boolean cut = false;
                ByteCut byteCut = relay.byteCut(direction);
                if (byteCut != null) {
                    ByteCut.Take take = byteCut.take(read);
                    allowed = take.bytes();
                    cut = take.cut();
                    if (byteCut.finished()) {
                        relay.disarm(byteCut);
                    }
                }
                if (allowed > 0) {
                    try {
                        out.write(buffer, 0, allowed);
                    } catch (IOException e) {
                        // The receiver reset or went away: reset the sender too, as the network would.
                        // Draining after a cut, the sink is the side that was reset: keep draining.
                        if (isOpen()) {
                            reset(false);
                        }
                        continue;
                    }
                    relay.countForwarded(direction, allowed);
                }
                if (cut) {
                    cutAfterWrite(direction);
                    return;
                }
            }
        } catch (IOException e) {
            // The sender reset the connection, or the relay reset this link: pass the reset on.
            if (isOpen()) {
                reset(false);
            }
        } finally {
            if (pumpsRunning.decrementAndGet() == 0) {
                end();
            }
        }
    }

    /** Passes a FIN on: the sender will send no more, the other direction goes on. */
    private static void halfClose(Socket sink) {
        try {
            sink.shutdownOutput();
        } catch (IOException e) {
            // The sink was reset meanwhile; its pump sees that and resets the link.
        }
    }

    /**
     * The byte cut in {@code direction} fired after its last byte was written: FIN to the
     * receiver behind that byte, RST to the sender.
     */
    private void cutAfterWrite(Direction direction) {
        if (!state.compareAndSet(State.OPEN, State.DRAINING)) {
            return; // Reset meanwhile (cutAll, close): that cut already counted, or was no fault.
        }
        relay.countCut();
        resetQuietly(source(direction));
        halfClose(sink(direction));
        relay.wakeStalled();
    }

    /** Both pumps are done: close what is left and leave the relay's books. */
    private void end() {
        state.set(State.CLOSED);
        closeQuietly(client);
        closeQuietly(server);
        relay.forget(this);
    }
}
