package dev.pagewire.e2e.cluster;

import dev.pagewire.Pagewire;
import dev.pagewire.netty.PagewireServer;
import dev.pagewire.netty.testing.EchoApp;
import dev.pagewire.redis.RedisBackplane;
import java.time.Duration;

/**
 * One node of the clusters the cluster tests start, in its own process: {@link EchoApp}'s page on
 * the embedded server, joined to the cluster on Redis. Arguments:
 * {@code REDIS_URI [DRAIN_MILLIS [LEASE_MILLIS]]} (defaults 3 s and 2 s: tests do not wait long).
 * It prints {@code node N listening on port P} once it serves, drains on {@code SIGTERM}, and dies
 * at once on {@code SIGKILL}.
 */
public final class ClusterTestNode {

    private ClusterTestNode() {}

    public static void main(String[] args) throws InterruptedException {
        String redis = args[0];
        long drainMillis = args.length > 1 ? Long.parseLong(args[1]) : 3_000;
        long leaseMillis = args.length > 2 ? Long.parseLong(args[2]) : 2_000;
        RedisBackplane backplane = RedisBackplane.builder(redis)
                .leaseTimeout(Duration.ofMillis(leaseMillis))
                .build();
        Pagewire app = Pagewire.create(
                backplane,
                s -> s.reloadOnExpired(true)
                        .upgradeAfter(Duration.ofMillis(500))
                        .drainTimeout(Duration.ofMillis(drainMillis)));
        new EchoApp(app);
        PagewireServer server =
                PagewireServer.start(app, s -> s.host("127.0.0.1").port(0));
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("draining");
                            app.drain();
                            server.close();
                            app.close();
                            System.out.println("stopped");
                        },
                        "node-shutdown"));
        System.out.println("node " + app.node() + " listening on port " + server.port());
        server.awaitClose();
    }
}
