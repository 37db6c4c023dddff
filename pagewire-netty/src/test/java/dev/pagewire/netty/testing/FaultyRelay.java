package dev.pagewire.netty.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A TCP relay on loopback that sits between a client (Chromium, a Java client) and a server and
 * breaks connections the ways networks do, for tests of "nothing lost, nothing doubled, order
 * kept".
 *
 * <pre>{@code
 * try (FaultyRelay relay = FaultyRelay.start(new InetSocketAddress("127.0.0.1", server.port()))) {
 *   URI page = URI.create("http://127.0.0.1:" + relay.port() + "/chat");
 *   ... open the page through the relay ...
 *   relay.cutAll(); // the Wi-Fi dropped
 *   relay.cutAfter(100, Direction.DOWNSTREAM); // 100 more bytes to the client, then cut
 * }
 * }</pre>
 *
 * <p><b>What passes.</b> Every accepted connection is piped to a fresh connection to the target,
 * both ways. While no fault is active the relay forwards every byte unchanged and in order, and
 * passes on a half-close (FIN) and a reset from either side; it never parses anything, so
 * HTTP/1.1 keep-alive, SSE, long-polls and WebSocket all pass alike. Both of its sockets of a
 * connection use {@code TCP_NODELAY}, so small messages are not held back.
 *
 * <p><b>Faults.</b> {@link #cutAll()} resets every connection at once; {@link #cutAfter} cuts a
 * connection after an exact number of bytes; {@link #stall()} and {@link #resume()} hold traffic
 * without closing anything; {@link #refuse(boolean)} turns new connections away; {@link #chaos}
 * cuts at random but reproducible points. Faults the relay injects are counted by {@link
 * #cuts()}; connections that end because a client or the target closed or reset them are not.
 *
 * <p><b>Threads.</b> Every method is thread-safe and may be called from any thread at any time,
 * also while traffic flows. The relay runs on virtual threads of its own (one accepting, two per
 * connection, one per timed {@link Chaos}); {@link #close()} ends all of them before it returns.
 */
public final class FaultyRelay implements AutoCloseable {

    /** The two directions a connection carries bytes in. */
    public enum Direction {
        /** From the client that connected to the relay to the target. */
        UPSTREAM,
        /** From the target back to the client. */
        DOWNSTREAM
    }

    /** How long {@link #close()} waits for the relay's threads to end before it fails. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** How long a connection to the target may take to open before the client is reset. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final ExecutorService threads;
    private final AtomicInteger liveThreads = new AtomicInteger();
    private final Set<RelayLink> links = ConcurrentHashMap.newKeySet();
    private final Set<Chaos> chaoses = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** The armed byte cut of each direction ({@link Direction#ordinal()}), or null. */
    private final AtomicReferenceArray<ByteCut> byteCuts = new AtomicReferenceArray<>(2);

    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder cuts = new LongAdder();
    private final LongAdder[] received = {new LongAdder(), new LongAdder()};
    private final LongAdder[] forwarded = {new LongAdder(), new LongAdder()};
    private volatile boolean refusing;

    private final Stall stall = new Stall();

    private FaultyRelay(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
        this.threads = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("faulty-relay-", 0).factory());
    }

    /**
     * Starts a relay listening on 127.0.0.1 on a free port, forwarding to {@code target}. The
     * target is only connected to when a client connects, so it need not be up yet.
     *
     * @param target where to forward each connection, e.g. a server's 127.0.0.1 address
     * @throws IOException if no port could be bound
     */
    public static FaultyRelay start(InetSocketAddress target) throws IOException {
        Objects.requireNonNull(target, "target");
        ServerSocket listener = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        FaultyRelay relay = new FaultyRelay(target, listener);
        relay.run(relay::acceptLoop);
        return relay;
    }

    /** The port the relay listens on, on 127.0.0.1. */
    public int port() {
        return listener.getLocalPort();
    }

    /** The address the relay listens on: 127.0.0.1 and {@link #port()}. */
    public InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), port());
    }

    /** Where the relay forwards connections to. */
    public InetSocketAddress target() {
        return target;
    }

    /**
     * Resets every open connection at once, on both sides (an RST to the client and to the target,
     * by closing with {@code SO_LINGER} 0): data in flight is lost, as when the Wi-Fi drops. Bytes
     * the relay held because of a {@link #stall()} are dropped. New connections are accepted as
     * before.
     *
     * @return how many connections were cut, each counted once in {@link #cuts()}
     */
    public int cutAll() {
        int count = 0;
        for (RelayLink link : links) {
            if (link.reset(true)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Arms a cut that lands exactly {@code bytes} bytes further into {@code direction}: once that
     * many more bytes have been forwarded that way, counted from this call and across all
     * connections (those open now and those accepted later), the connection that carried the last
     * of them is cut. Its receiving side gets exactly those bytes and then the end of its stream
     * (a FIN, so no byte written before the cut is lost in a kernel buffer); its sending side is
     * reset. With {@code bytes} 0 the next connection to carry a byte that way is cut before it is
     * forwarded. The cut fires once and counts in {@link #cuts()}.
     *
     * <p>Replaces a cut armed earlier for the same direction, also that of a running {@link
     * #chaos}. With one connection busy in {@code direction} (the usual test), "counted across all
     * connections" simply means "on that connection".
     *
     * @param bytes how many more bytes to forward before the cut; not negative
     * @param direction which way the bytes are counted
     */
    public void cutAfter(long bytes, Direction direction) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative: " + bytes);
        }
        arm(new ByteCut(direction, () -> bytes, 1, drawn -> {}));
    }

    /**
     * Stops forwarding in both directions, without closing anything, until {@link #resume()}: a
     * laptop asleep, a proxy stalling. Each direction of a connection holds at most one chunk it
     * read (up to 32 KiB, counted in {@link #bytesReceived} but not in {@link #bytesForwarded});
     * the rest waits in the kernels' buffers and then the sender blocks, as TCP does. On resume
     * everything held is delivered in order; a cut meanwhile drops it instead. A write already
     * under way when this is called may still complete. New connections are still accepted and
     * connected to the target, but carry nothing until the stall ends.
     */
    public void stall() {
        stall.on();
    }

    /**
     * Stalls as {@link #stall()} does, then resumes by itself once {@code duration} has passed
     * (or earlier, on {@link #resume()}). Replaces a stall in progress.
     *
     * @param duration how long to hold traffic; positive
     */
    public void stall(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive: " + duration);
        }
        stall.on(duration);
    }

    /** Ends a stall: whatever was held is forwarded, in order. Does nothing if not stalled. */
    public void resume() {
        stall.off();
    }

    /** Whether traffic is held by {@link #stall()} or a {@link #stall(Duration)} not yet over. */
    public boolean stalled() {
        return stall.isOn();
    }

    /**
     * While {@code true}, every new connection is accepted and reset at once, as if the server
     * were unreachable, and counted in {@link #refused()}; connections already open are not
     * touched. Use it to test reconnect back-off. Depending on timing the client sees its connect
     * fail ("connection reset") or a connection that is reset before its first byte.
     */
    public void refuse(boolean refuse) {
        refusing = refuse;
    }

    /**
     * Starts cutting connections at random points drawn from {@code seed}, as {@code plan} says,
     * until the plan's number of cuts is reached or {@link Chaos#stop()} is called. The same seed
     * and plan draw the same points, so a failure can be replayed: the seed is printed to standard
     * error when chaos starts, and {@link Chaos#toString()} names it for assertion messages. A plan
     * by bytes takes over the byte cut of its direction (see {@link #cutAfter}).
     */
    public Chaos chaos(long seed, ChaosPlan plan) {
        Objects.requireNonNull(plan, "plan");
        if (closed.get()) {
            throw new IllegalStateException("relay is closed");
        }
        Chaos chaos = new Chaos(this, seed, plan);
        chaoses.add(chaos);
        System.err.println("[FaultyRelay] " + address() + " starts " + chaos);
        chaos.start();
        return chaos;
    }

    /** How many connections the relay has accepted so far, refused ones included. */
    public long accepted() {
        return accepted.sum();
    }

    /** How many connections were turned away because of {@link #refuse(boolean)}. */
    public long refused() {
        return refused.sum();
    }

    /** How many connections the relay has cut by a fault ({@link #cutAll}, {@link #cutAfter}, chaos). */
    public long cuts() {
        return cuts.sum();
    }

    /** How many bytes the relay has written on in {@code direction}, over all connections. */
    public long bytesForwarded(Direction direction) {
        return forwarded[direction.ordinal()].sum();
    }

    /**
     * How many bytes the relay has read in {@code direction}, over all connections. What exceeds
     * {@link #bytesForwarded} is held by a stall or was dropped by a cut.
     */
    public long bytesReceived(Direction direction) {
        return received[direction.ordinal()].sum();
    }

    /** How many relayed connections are open now: accepted, not refused, not yet cut or ended. */
    public int openConnections() {
        int open = 0;
        for (RelayLink link : links) {
            if (link.isOpen()) {
                open++;
            }
        }
        return open;
    }

    /**
     * Stops listening, resets every connection and stops chaos, then waits until all of the
     * relay's threads have ended. Idempotent: later calls return at once.
     *
     * @throws IllegalStateException if a thread is still running after {@link #CLOSE_TIMEOUT}
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            listener.close();
        } catch (IOException e) {
            // Closing a listening socket has nothing to flush; the accept loop ends either way.
            System.err.println("[FaultyRelay] closing the listener failed: " + e);
        }
        chaoses.forEach(Chaos::stop);
        links.forEach(link -> link.reset(false));
        resume();
        threads.shutdown();
        try {
            if (!threads.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                threads.shutdownNow();
                throw new IllegalStateException(
                        liveThreads.get() + " relay threads still running " + CLOSE_TIMEOUT + " after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the relay's threads", e);
        }
    }

    @Override
    public String toString() {
        return "FaultyRelay[" + address() + " -> " + target + "]";
    }

    /** How many of the relay's threads are running now; 0 once {@link #close()} returned. */
    int liveThreads() {
        return liveThreads.get();
    }

    // ---- used by RelayLink and Chaos ----

    /** Runs {@code task} on a new virtual thread of the relay, counted in {@link #liveThreads()}. */
    void run(Runnable task) {
        liveThreads.incrementAndGet();
        try {
            threads.execute(() -> {
                try {
                    task.run();
                } finally {
                    liveThreads.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            liveThreads.decrementAndGet();
            throw e;
        }
    }

    /** Arms {@code cut} for its direction, cancelling the one it replaces. */
    void arm(ByteCut cut) {
        ByteCut previous = byteCuts.getAndSet(cut.direction().ordinal(), cut);
        if (previous != null) {
            previous.cancel();
        }
    }

    /** Disarms {@code cut} if it is still armed. */
    void disarm(ByteCut cut) {
        byteCuts.compareAndSet(cut.direction().ordinal(), cut, null);
    }

    /** The byte cut armed for {@code direction}, or null: the pumps' fast path. */
    ByteCut byteCut(Direction direction) {
        return byteCuts.get(direction.ordinal());
    }

    void countReceived(Direction direction, int bytes) {
        received[direction.ordinal()].add(bytes);
    }

    void countForwarded(Direction direction, int bytes) {
        forwarded[direction.ordinal()].add(bytes);
    }

    void countCut() {
        cuts.increment();
    }

    void forget(RelayLink link) {
        links.remove(link);
    }

    void forget(Chaos chaos) {
        chaoses.remove(chaos);
    }

    /** Returns once traffic may flow, or once {@code link} is no longer open. */
    void awaitFlow(RelayLink link) {
        stall.await(link);
    }

    /** Wakes pumps waiting in {@link #awaitFlow}, so they see that their link was cut. */
    void wakeStalled() {
        stall.wake();
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (SocketException e) {
                if (!closed.get()) {
                    System.err.println("[FaultyRelay] " + this + " stops accepting: " + e);
                }
                return;
            } catch (IOException e) {
                System.err.println("[FaultyRelay] " + this + " stops accepting: " + e);
                return;
            }
            accepted.increment();
            if (refusing || closed.get()) {
                if (refusing) {
                    refused.increment();
                }
                RelayLink.resetQuietly(client);
                continue;
            }
            RelayLink link = new RelayLink(this, client);
            links.add(link);
            if (closed.get()) {
                // close() may have reset the links before this one was added.
                link.reset(false);
            }
            try {
                run(link::connectAndPumpUpstream);
            } catch (RejectedExecutionException e) {
                // close() shut the executor down after this connection was accepted.
                link.reset(false);
                forget(link);
                return;
            }
        }
    }
}
