package dev.pagewire.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterPlanTest {

    private static List<Case> cases(String... args) {
        return Plan.of(BenchOptions.parse(args), 20_000).cases();
    }

    @Test
    void theClusterHasThreeCasesWithIdsOfTheirOwn() {
        List<Case> cases = cases("--scenarios", "cluster", "--fanout", "100", "--echo-clients", "100");

        assertEquals(
                List.of("cluster-fanout-100", "cluster-echo-100", "cluster-polling-50"),
                cases.stream().map(Case::id).toList());
        assertEquals(
                List.of("pagewire-owner", "pagewire-relayed", "pagewire-ws", "socketio-ws", "socketio-streams-ws"),
                cases.get(1).subjects().stream().map(Subject::id).toList());
    }

    @Test
    void socketIoWithEitherAdapterSpeaksTheSameProtocolAndThePagewireEntriesSpeakWebSocket() {
        for (Subject s : cases("--scenarios", "cluster").get(1).subjects()) {
            assertTrue(List.of("pagewire-ws", "socketio-ws").contains(s.protocol()), s.id() + ": " + s.protocol());
        }
        Subject sticky = cases("--scenarios", "cluster").get(2).subjects().get(2);
        assertEquals("socketio-polling", sticky.protocol());
        assertEquals(ClusterRun.Entry.STICKY, ClusterRun.Entry.of(sticky));
    }

    @Test
    void onlyTheClusterHasSocketIoWithTheStreamsAdapterAndRawNettyHasNoCluster() {
        for (Case c : cases("--scenarios", "all")) {
            for (Subject s : c.subjects()) {
                assertTrue(
                        s.peer() != Peer.SOCKETIO_STREAMS || c.scenario() == Scenario.CLUSTER,
                        s.id() + " in " + c.id());
                assertTrue(s.peer() != Peer.RAW_NETTY || c.scenario() != Scenario.CLUSTER, c.id());
            }
        }
    }

    @Test
    void theSmokeRunHasSixClusterColumns() {
        int columns = cases("--smoke", "--scenarios", "cluster").stream()
                .mapToInt(c -> c.subjects().size())
                .sum();

        assertEquals(Plan.SMOKE_CLUSTER.size(), columns);
    }

    @Test
    void theSmokeRunTakesEachPeersRunsTogetherSoThatItStartsOneClusterPerKindOfNode() {
        Plan plan = Plan.of(BenchOptions.parse(new String[] {"--smoke", "--scenarios", "cluster"}), 20_000);

        assertEquals(
                List.of(
                        "pagewire-ws",
                        "pagewire-relayed",
                        "pagewire-lp",
                        "socketio-streams-ws",
                        "socketio-polling",
                        "socketio-sticky"),
                plan.steps(true).stream().map(x -> x.s().id()).toList());
        assertEquals(
                List.of(
                        "pagewire-ws",
                        "socketio-streams-ws",
                        "pagewire-relayed",
                        "pagewire-lp",
                        "socketio-polling",
                        "socketio-sticky"),
                plan.steps(false).stream().map(x -> x.s().id()).toList());
    }
}
