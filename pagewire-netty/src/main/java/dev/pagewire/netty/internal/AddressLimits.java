package dev.pagewire.netty.internal;

import dev.pagewire.spi.LogGate;
import io.netty.channel.Channel;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the open TCP connections of each client address, so that one host cannot take all of the
 * server's file descriptors: {@link #admit} a connection as it is accepted, and it is counted until
 * it closes. An IPv6 address counts by its /64, the block one host is given; loopback, private and
 * link-local addresses (where proxies and balancers sit) have a limit of their own. Thread-safe.
 */
final class AddressLimits {

    private static final Logger log = LoggerFactory.getLogger(AddressLimits.class);

    private final int perPublic;
    private final int perPrivate;
    private final ConcurrentHashMap<Key, Integer> open = new ConcurrentHashMap<>();
    private final LogGate refusalLog = new LogGate(Duration.ofMinutes(1));

    /** {@code 0} for no limit. */
    AddressLimits(int perPublic, int perPrivate) {
        this.perPublic = perPublic;
        this.perPrivate = perPrivate;
    }

    /**
     * Counts {@code channel} against its address until it closes, or closes it at once when its
     * address has its limit already; returns whether it was admitted.
     */
    boolean admit(Channel channel) {
        if (!(channel.remoteAddress() instanceof InetSocketAddress socket) || socket.getAddress() == null) {
            return true;
        }
        InetAddress address = socket.getAddress();
        int limit = isPrivate(address) ? perPrivate : perPublic;
        if (limit == 0) {
            return true;
        }
        Key key = Key.of(address);
        boolean[] admitted = {false};
        open.compute(key, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= limit) {
                return n;
            }
            admitted[0] = true;
            return count + 1;
        });
        if (!admitted[0]) {
            refused(address, limit);
            channel.close();
            return false;
        }
        channel.closeFuture().addListener(f -> open.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1));
        return true;
    }

    /** Connections counted for {@code address} now (for tests). */
    int openFrom(InetAddress address) {
        return open.getOrDefault(Key.of(address), 0);
    }

    private void refused(InetAddress address, int limit) {
        if (refusalLog.open()) {
            log.warn(
                    "refused a connection from {}: it has {} open, the most one {} address may"
                            + " (ServerSettings.maxConnections{}). Many users behind one NAT or proxy: raise it.",
                    address.getHostAddress(),
                    limit,
                    isPrivate(address) ? "private" : "public",
                    isPrivate(address) ? "PerPrivateAddress" : "PerAddress");
        } else {
            log.debug("refused a connection from {}: {} open", address.getHostAddress(), limit);
        }
    }

    static boolean isPrivate(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()) {
            return true;
        }
        // fc00::/7, IPv6 unique local addresses (isSiteLocalAddress knows only the old fec0::/10)
        return address instanceof Inet6Address && (address.getAddress()[0] & 0xFE) == 0xFC;
    }

    /** An IPv4 address, or the first 64 bits of an IPv6 one. */
    private record Key(byte[] bytes) {
        static Key of(InetAddress address) {
            byte[] b = address.getAddress();
            return new Key(b.length == 16 ? Arrays.copyOf(b, 8) : b);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return Arrays.toString(bytes);
        }
    }
}
