package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressRangeTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void oneAddressMatchesItselfOnly() throws Exception {
        AddressRange range = AddressRange.parse("127.0.0.1");
        assertTrue(range.contains(ip("127.0.0.1")));
        assertFalse(range.contains(ip("127.0.0.2")));
        assertFalse(range.contains(ip("::1")), "another family never matches");
    }

    @Test
    void aRangeMatchesItsPrefix() throws Exception {
        AddressRange range = AddressRange.parse("10.1.0.0/16");
        assertTrue(range.contains(ip("10.1.255.7")));
        assertFalse(range.contains(ip("10.2.0.1")));
        AddressRange odd = AddressRange.parse("192.168.1.130/25");
        assertTrue(odd.contains(ip("192.168.1.129")), "the host bits given are ignored");
        assertFalse(odd.contains(ip("192.168.1.127")));
        assertTrue(AddressRange.parse("0.0.0.0/0").contains(ip("8.8.8.8")));
    }

    @Test
    void ipv6RangesAndMappedPeers() throws Exception {
        assertTrue(AddressRange.parse("fd00::/8").contains(ip("fd12:3456::1")));
        assertFalse(AddressRange.parse("fd00::/8").contains(ip("fe80::1")));
        assertTrue(AddressRange.parse("::1").contains(ip("::1")));
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3};
        assertTrue(AddressRange.parse("10.0.0.0/8").contains(java.net.Inet6Address.getByAddress(null, mapped, null)));
    }

    @Test
    void refusesWhatIsNotALiteralAddressOrRange() {
        for (String bad :
                new String[] {"localhost", "example.com", "10.0.0.0/33", "::1/129", "10.0.0.0/x", "", "1.2.3"}) {
            assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(bad), bad);
        }
    }

    @Test
    void showsItselfAsGiven() {
        assertEquals("10.0.0.0/8", AddressRange.parse(" 10.0.0.0/8 ").toString());
    }
}
