package dev.pagewire.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HaproxyTest {

    @Test
    void roundRobinBalancesEveryRequestOnItsOwnAndLetsWebSocketsThrough() {
        String config = Haproxy.config(8080, List.of(9001, 9002, 9003), Haproxy.Balance.ROUND_ROBIN, 9000);

        assertTrue(config.contains("  mode http\n"), config);
        assertTrue(config.contains("  balance roundrobin\n"), config);
        assertTrue(config.contains("  no option prefer-last-server\n"), config);
        assertTrue(config.contains("  timeout tunnel 1h\n"), config);
        assertTrue(config.contains("  bind 127.0.0.1:8080\n"), config);
        assertTrue(config.contains("  server node3 127.0.0.1:9003\n"), config);
        assertTrue(!config.contains("cookie") && !config.contains("hash"), config);
    }

    @Test
    void stickyBalancesBySourceAddress() {
        assertTrue(
                Haproxy.config(8080, List.of(9001), Haproxy.Balance.SOURCE, 100).contains("  balance source\n"));
    }

    @Test
    void countsRequestsErrorsAndRequestsThatStayedOnTheNodeOfTheOneBefore() {
        String log = """
            127.0.0.2:40000 node1 200
            127.0.0.2:40000 node2 400
            [WARNING]  (12) : a notice of haproxy's own
            127.0.0.3:40001 node3 204
            127.0.0.2:40000 node2 200
            127.0.0.3:40001 <NOSRV> 503
            127.0.0.2:40000 node2 -1
            """;

        Haproxy.Requests r = Haproxy.count(log);

        assertEquals(6, r.count());
        assertEquals(3, r.errors()); // 400, 503 and a request that got no status
        assertEquals(4, r.pairs()); // every request after the first of its client connection
        assertEquals(2, r.sameNode()); // node2 after node2, twice
    }

    @Test
    void oneHaproxyHoldsHalfTheOpenFilesLimitInConnections() {
        assertEquals(9950, Haproxy.capacity(20_000));
        assertEquals(2, ClusterRun.balancers(10_000, 20_000));
        assertEquals(1, ClusterRun.balancers(9950, 20_000));
    }
}
