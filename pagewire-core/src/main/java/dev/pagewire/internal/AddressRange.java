package dev.pagewire.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}), or one
 * address. Parsed from literals only: a host name is refused rather than looked up. An IPv4-mapped
 * IPv6 peer ({@code ::ffff:10.1.2.3}) is matched as its IPv4 address. Immutable.
 */
public final class AddressRange {

    private final String text;
    private final byte[] network;
    private final int prefix;

    private AddressRange(String text, byte[] network, int prefix) {
        this.text = text;
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * @param text an address or a range, e.g. {@code "127.0.0.1"}, {@code "10.0.0.0/8"}, {@code "::1"}
     * @throws IllegalArgumentException if it is neither, or names a host
     */
    public static AddressRange parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        // Four dotted decimals (not the old short forms such as 1.2.3), or IPv6 with its colons.
        if (!address.matches("\\d{1,3}(\\.\\d{1,3}){3}") && !address.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            throw new IllegalArgumentException("not an IP address or CIDR range: '" + text + "'");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address or CIDR range: '" + text + "'");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix length of '" + text + "' is not 0 to " + bits);
            }
        }
        return new AddressRange(s, mask(bytes, prefix), prefix);
    }

    /** {@return whether {@code address} is in this range} */
    public boolean contains(InetAddress address) {
        byte[] bytes = unmapped(address.getAddress());
        return bytes.length == network.length && Arrays.equals(mask(bytes, prefix), network);
    }

    private static byte[] unmapped(byte[] bytes) {
        if (bytes.length != 16) {
            return bytes;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return bytes;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff ? Arrays.copyOfRange(bytes, 12, 16) : bytes;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] masked = bytes.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xff << (8 - keep));
        }
        return masked;
    }

    @Override
    public String toString() {
        return text;
    }
}
