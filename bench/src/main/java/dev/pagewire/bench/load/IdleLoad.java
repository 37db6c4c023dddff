package dev.pagewire.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Scenario 1: open {@code connections} links (Pagewire renders each page first), report how long
 * that took, then hold them idle — answering heartbeats — until the orchestrator, having measured
 * the server's memory, writes {@code close} on stdin.
 */
final class IdleLoad {

    private IdleLoad() {}

    static void run(LoadOptions o, Dialer dialer) throws InterruptedException, IOException {
        var lost = new Lost();
        Link.Listener listener = new Link.Listener() {
            @Override
            public void onEvent(Link link, String name, String data) {}

            @Override
            public void onLost(Link link, String reason) {
                lost.add(reason);
            }
        };
        long start = System.nanoTime();
        List<Link> links = Connector.openAll(dialer, o.connections(), o.connectConcurrency(), listener, false);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> f = Out.figures();
        f.put("connections", (double) links.size());
        f.put("connect_s", seconds);
        f.put("connects_per_s", links.size() / seconds);
        Out.phase("holding");
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null && !line.strip().equals("close"); ) {
            // the orchestrator measures meanwhile; nothing else is expected here
        }
        lost.check("idle");
        f.put("lost", (double) lost.count());
        Out.result(f);
    }
}
