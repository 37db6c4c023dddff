package dev.pagewire;

import dev.pagewire.internal.AddressRange;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Who may see the live dashboard ({@link Pagewire#dashboard(String, DashboardAccess)},
 * docs/OPERATIONS.md, Dashboard): whoever sends its password (HTTP Basic authentication, any user
 * name), or whoever connects from one of its addresses, or both. There is no access without a rule,
 * so a dashboard is never open to everyone by mistake.
 *
 * <p>Addresses are the peer addresses of connections. A request that came through a proxy (it
 * carries {@code Forwarded} or {@code X-Forwarded-For}) is never admitted by its address, since the
 * peer is then the proxy: behind a proxy, use the password, over TLS.
 *
 * <pre>{@code
 * app.dashboard("/admin/pagewire", DashboardAccess.password(System.getenv("DASHBOARD_PASSWORD"))
 *         .orFrom("10.0.0.0/8", "::1"));
 * }</pre>
 *
 * <p>Immutable.
 */
public final class DashboardAccess {

    /** The shortest password taken: the dashboard shows what the server is doing to whoever has it. */
    public static final int MIN_PASSWORD_LENGTH = 12;

    private final byte[] password;
    private final List<AddressRange> addresses;

    private DashboardAccess(byte[] password, List<AddressRange> addresses) {
        this.password = password;
        this.addresses = List.copyOf(addresses);
    }

    /**
     * Admits whoever sends {@code password} by HTTP Basic authentication, with any user name; the
     * browser asks for it.
     *
     * @param password at least {@link #MIN_PASSWORD_LENGTH} characters
     * @return the access rule
     * @throws IllegalArgumentException if the password is shorter
     * @throws NullPointerException if it is null
     */
    public static DashboardAccess password(String password) {
        Objects.requireNonNull(password, "password");
        if (password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException(
                    "a dashboard password needs at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        return new DashboardAccess(password.getBytes(StandardCharsets.UTF_8), List.of());
    }

    /**
     * Admits whoever connects from one of {@code addresses}.
     *
     * @param addresses IPv4 or IPv6 addresses, or ranges in CIDR notation ({@code "10.0.0.0/8"},
     *     {@code "fd00::/8"}); literals only, no host names
     * @return the access rule
     * @throws IllegalArgumentException if none is given or one is not an address or range
     */
    public static DashboardAccess from(String... addresses) {
        return new DashboardAccess(null, ranges(addresses));
    }

    /**
     * This rule, also admitting whoever connects from one of {@code addresses}.
     *
     * @param addresses as {@link #from(String...)} takes them
     * @return a new rule
     * @throws IllegalArgumentException as {@link #from(String...)}
     */
    public DashboardAccess orFrom(String... addresses) {
        List<AddressRange> all = new ArrayList<>(this.addresses);
        all.addAll(ranges(addresses));
        return new DashboardAccess(password, all);
    }

    private static List<AddressRange> ranges(String... addresses) {
        if (addresses.length == 0) {
            throw new IllegalArgumentException("name at least one address or range");
        }
        List<AddressRange> ranges = new ArrayList<>();
        for (String address : addresses) {
            ranges.add(AddressRange.parse(Objects.requireNonNull(address, "address")));
        }
        return ranges;
    }

    /**
     * {@return whether a password admits} Used by the server to ask the browser for it.
     */
    public boolean hasPassword() {
        return password != null;
    }

    /** {@return the address ranges that admit, as given} */
    public List<String> addresses() {
        return addresses.stream().map(AddressRange::toString).toList();
    }

    /**
     * Whether this rule admits {@code request}: its {@code Authorization} header carries the
     * password (compared in constant time), or its peer is one of the addresses and it did not come
     * through a proxy.
     *
     * @param request a request for the dashboard
     * @return whether it may see the dashboard
     */
    public boolean admits(PageRequest request) {
        if (password != null && passwordMatches(request.header("Authorization"))) {
            return true;
        }
        if (addresses.isEmpty()
                || request.header("Forwarded") != null
                || request.header("X-Forwarded-For") != null
                || request.remoteAddress() == null) {
            return false;
        }
        InetAddress peer = request.remoteAddress().getAddress();
        return peer != null && addresses.stream().anyMatch(range -> range.contains(peer));
    }

    private boolean passwordMatches(String authorization) {
        if (authorization == null
                || authorization.length() < 6
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = 0;
        while (colon < decoded.length && decoded[colon] != ':') {
            colon++;
        }
        if (colon == decoded.length) {
            return false;
        }
        byte[] sent = Arrays.copyOfRange(decoded, colon + 1, decoded.length);
        return MessageDigest.isEqual(sent, password);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "DashboardAccess[password=" + (password != null ? "set" : "none") + ", addresses=" + addresses() + "]";
    }
}
