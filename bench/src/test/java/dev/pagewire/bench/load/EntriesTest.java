package dev.pagewire.bench.load;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class EntriesTest {

    @Test
    void withAHopEveryPageHasItsChannelOnAnotherEntryThanItsRender() {
        try (var wire = new Wire("127.0.0.1", 9001, 0, 1)) {
            List<Wire> nodes = List.of(wire, wire.to(9002), wire.to(9003));
            var entries = new Entries(nodes, 1);
            for (int k = 0; k < 6; k++) {
                Entries.Pick pick = entries.next();
                assertSame(nodes.get(k % 3), pick.page());
                assertSame(nodes.get((k + 1) % 3), pick.channel());
                assertNotSame(pick.page(), pick.channel());
            }
        }
    }

    @Test
    void withoutAHopEachLinkStaysOnOneEntryAndLinksTakeTheEntriesInTurn() {
        try (var wire = new Wire("127.0.0.1", 9001, 0, 1)) {
            List<Wire> balancers = List.of(wire, wire.to(9002));
            var entries = new Entries(balancers, 0);
            for (int k = 0; k < 4; k++) {
                Entries.Pick pick = entries.next();
                assertSame(balancers.get(k % 2), pick.page());
                assertSame(pick.page(), pick.channel());
            }
        }
    }

    @Test
    void aHopNeedsTwoEntries() {
        try (var wire = new Wire("127.0.0.1", 9001, 0, 1)) {
            assertThrows(IllegalArgumentException.class, () -> new Entries(List.of(wire), 1));
        }
    }
}
