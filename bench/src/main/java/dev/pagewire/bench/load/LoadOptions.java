package dev.pagewire.bench.load;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one load-generator process does: one scenario against one server, over one protocol.
 *
 * @param scenario {@code idle}, {@code echo}, {@code echo-reopen} (links refused or lost are opened
 *     again, as a browser would, and counted: {@link ReopeningEchoLoad}), {@code fanout} or {@code churn}
 * @param protocol a {@link Protocols} name, e.g. {@code pagewire-ws}
 * @param ports the server's port on 127.0.0.1, or a cluster's entries, taken in turn per link
 *     ({@code --port 8001,8002,8003})
 * @param hop a page's channel opens at the entry this many places after the one that rendered it
 *     ({@link Entries}; default 0)
 * @param connections idle: links to hold; fanout: members of the topic
 * @param clients echo: concurrent closed-loop clients; churn: concurrent page openers
 * @param warmupMs echo, fanout, churn: time before measuring
 * @param durationMs echo, fanout (sustained phase), churn: time measured
 * @param broadcasts fanout: one-at-a-time broadcasts timed to their last receiver
 * @param window fanout: broadcasts in flight in the sustained phase
 * @param messages when above 0, the measured interval ends after this many messages instead of
 *     {@code durationMs}, with no warm-up (the smoke run): echo answers per client, churn pages,
 *     sustained fan-out broadcasts
 * @param sources source addresses 127.0.0.2 … 127.0.0.(N+1) for long-lived connections; 0 for none
 * @param threads event-loop threads; 0 for one per available core
 * @param connectConcurrency connection attempts in flight at once
 * @param inStep churn: this process is one of several the orchestrator runs in step ({@code --in-step
 *     1}): after its warm-up it prints {@code PHASE warm} and starts its measured interval only when
 *     a line {@code measure} comes on stdin, and before its {@code RESULT} it prints the interval's
 *     cycle times as a {@code HISTOGRAM} line, so that the orchestrator can merge the processes'
 *     percentiles ({@link Out#histogram})
 */
record LoadOptions(
        String scenario,
        String protocol,
        List<Integer> ports,
        int hop,
        int connections,
        int clients,
        long warmupMs,
        long durationMs,
        int messages,
        int broadcasts,
        int window,
        int sources,
        int threads,
        int connectConcurrency,
        boolean inStep) {

    static final String USAGE = """
        usage: LoadMain --scenario idle|echo|echo-reopen|fanout|churn --protocol NAME --port P[,P…] [--hop H]
               [--connections N] [--clients K] [--warmup-ms MS] [--duration-ms MS]
               [--messages M] [--broadcasts B] [--window W] [--sources S] [--threads T] [--connect-concurrency C]
               [--in-step 0|1]
        """;

    /** @throws IllegalArgumentException naming the flag that is missing or wrong */
    static LoadOptions parse(String[] args) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --flag value, got '" + args[i] + "'");
            }
            flags.put(args[i].substring(2), args[++i]);
        }
        var options = new LoadOptions(
                required(flags, "scenario"),
                required(flags, "protocol"),
                ports(required(flags, "port")),
                number(flags, "hop", 0),
                number(flags, "connections", 100),
                number(flags, "clients", 10),
                number(flags, "warmup-ms", 1000),
                number(flags, "duration-ms", 5000),
                number(flags, "messages", 0),
                number(flags, "broadcasts", 10),
                number(flags, "window", 4),
                number(flags, "sources", 16),
                number(flags, "threads", 0),
                number(flags, "connect-concurrency", 256),
                number(flags, "in-step", 0) != 0);
        if (!flags.isEmpty()) {
            throw new IllegalArgumentException("unknown flags: " + flags.keySet());
        }
        return options;
    }

    private static List<Integer> ports(String list) {
        try {
            return Arrays.stream(list.split(","))
                    .map(p -> Integer.parseInt(p.strip()))
                    .toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--port takes a port or a comma-separated list of them, got '" + list + "'");
        }
    }

    private static String required(Map<String, String> flags, String name) {
        String value = flags.remove(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static int number(Map<String, String> flags, String name, int fallback) {
        String value = flags.remove(name);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, got '" + value + "'");
        }
    }
}
