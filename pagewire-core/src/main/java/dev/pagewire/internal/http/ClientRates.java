package dev.pagewire.internal.http;

import dev.pagewire.Settings;
import dev.pagewire.internal.Rate;
import dev.pagewire.spi.HttpExchange;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How often each client renders pages and opens channels (docs/SECURITY.md): a {@link Rate} per
 * client for each, so that one address cannot make the server render or attach at any rate. The
 * number of clients tracked is bounded: buckets idle and full are forgotten, and past {@link
 * #MAX_CLIENTS} a client not yet tracked goes unlimited rather than in the way of everyone.
 * Thread-safe.
 */
final class ClientRates {

    /** Clients tracked at most, per kind of limit. */
    static final int MAX_CLIENTS = 100_000;

    private static final long IDLE_NANOS = 10_000_000_000L;

    private final int perSecond;
    private final String addressHeader;
    private final Map<String, Rate> rates = new ConcurrentHashMap<>();

    ClientRates(int perSecond, Settings.ClientLimits limits) {
        this.perSecond = perSecond;
        this.addressHeader = limits.clientAddressHeader();
    }

    /** Counts one request of {@code exchange}'s client; {@code false} if it is over the rate. */
    boolean allow(HttpExchange exchange) {
        long now = System.nanoTime();
        String client = client(exchange);
        Rate rate = rates.get(client);
        if (rate == null) {
            if (rates.size() >= MAX_CLIENTS) {
                rates.values().removeIf(r -> r.idleSince(now, IDLE_NANOS));
                if (rates.size() >= MAX_CLIENTS) {
                    return true;
                }
            }
            rate = rates.computeIfAbsent(client, c -> new Rate(perSecond, now));
        }
        return rate.take(now);
    }

    /** Clients tracked now (tests). */
    int clients() {
        return rates.size();
    }

    /**
     * Who sent {@code exchange}: the last address of the configured header when it has one (the
     * one the trusted proxy added), else the connection's remote address.
     */
    String client(HttpExchange exchange) {
        if (addressHeader != null) {
            String value = exchange.header(addressHeader);
            if (value != null) {
                int comma = value.lastIndexOf(',');
                String last = value.substring(comma + 1).strip();
                if (!last.isEmpty()) {
                    return last.length() > 64 ? last.substring(0, 64) : last;
                }
            }
        }
        InetSocketAddress remote = exchange.remoteAddress();
        return remote == null || remote.getAddress() == null
                ? "unknown"
                : remote.getAddress().getHostAddress();
    }
}
