package dev.pagewire.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Engine.IO v4 / Socket.IO v4 packets as the load generator reads them. */
class SocketIoPacketsTest {

    private final List<String> seen = new ArrayList<>();

    private final SocketIoPackets packets = new SocketIoPackets(new SocketIoPackets.Peer() {
        @Override
        public void opened(String sid) {
            seen.add("opened " + sid);
        }

        @Override
        public void connected() {
            seen.add("connected");
        }

        @Override
        public void event(String name, String data) {
            seen.add("event " + name + " " + data);
        }

        @Override
        public void reply(String packet) {
            seen.add("reply " + packet);
        }

        @Override
        public void closed(String reason) {
            seen.add("closed " + reason);
        }
    });

    @Test
    void openConnectPingEventAndClose() {
        packets.read("0{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000}");
        packets.read("40{\"sid\":\"def\"}");
        packets.read("2");
        packets.read("42[\"echo\",\"123\"]");
        packets.read("6");
        packets.read("41");
        assertEquals(
                List.of("opened abc", "connected", "reply 3", "event echo 123", "closed Socket.IO disconnect"), seen);
    }

    @Test
    void anEventPacketIsWhatTheServerReads() {
        assertEquals("42[\"fanout\",\"7\"]", SocketIoPackets.event("fanout", "7"));
    }
}
