package dev.pagewire.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.junit.jupiter.api.Test;

/** Which addresses count as private, and that an IPv6 host counts by its /64. */
class AddressLimitsTest {

    @Test
    void loopbackPrivateAndLinkLocalAddressesArePrivate() throws Exception {
        for (String a : new String[] {
            "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.1.1", "::1", "fd00::1", "fc12::1", "fe80::1"
        }) {
            assertTrue(AddressLimits.isPrivate(InetAddress.getByName(a)), a);
        }
        for (String a : new String[] {"8.8.8.8", "172.32.0.1", "2001:db8::1", "2a00:1450::1"}) {
            assertFalse(AddressLimits.isPrivate(InetAddress.getByName(a)), a);
        }
    }

    @Test
    void anIpv6HostCountsByItsSlash64AndClosesFreeItsPlace() throws Exception {
        AddressLimits limits = new AddressLimits(2, 0);
        EmbeddedChannel a = from("2001:db8:1:2::1");
        EmbeddedChannel b = from("2001:db8:1:2:ffff::9");
        EmbeddedChannel c = from("2001:db8:1:2::3");
        EmbeddedChannel other = from("2001:db8:1:3::1");
        assertTrue(limits.admit(a));
        assertTrue(limits.admit(b));
        assertFalse(limits.admit(c), "a third address of the same /64");
        assertFalse(c.isOpen());
        assertTrue(limits.admit(other), "another /64");

        a.close();
        assertEquals(1, limits.openFrom(InetAddress.getByName("2001:db8:1:2::1")));
        assertTrue(limits.admit(from("2001:db8:1:2::4")));
        b.close();
        other.close();
    }

    @Test
    void privateAddressesHaveTheirOwnLimit() throws Exception {
        AddressLimits limits = new AddressLimits(1, 0);
        for (int i = 0; i < 5; i++) {
            assertTrue(limits.admit(from("10.0.0.1")), "no limit for private addresses");
        }
        assertTrue(limits.admit(from("8.8.8.8")));
        assertFalse(limits.admit(from("8.8.8.8")));
        assertEquals(0, limits.openFrom(InetAddress.getByName("10.0.0.1")), "not counted without a limit");
    }

    private static EmbeddedChannel from(String address) throws Exception {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName(address), 40000);
        return new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
    }
}
