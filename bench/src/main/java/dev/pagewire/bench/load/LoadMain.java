package dev.pagewire.bench.load;

/**
 * The load-generating process: runs one scenario against one server over one protocol and prints
 * its figures ({@link Out}). Started by the orchestrator, separate from the server under test.
 * Exit status 0 on success; 1 with the reason on stderr when the scenario failed; 2 for bad flags.
 */
public final class LoadMain {

    private LoadMain() {}

    /** Runs the scenario the flags describe ({@link LoadOptions#USAGE}). */
    public static void main(String[] args) throws Exception {
        LoadOptions o;
        try {
            o = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + LoadOptions.USAGE);
            System.exit(2);
            return;
        }
        // Churn's connections are all short-lived: the kernel picks their ports (see Wire).
        int sources = o.scenario().equals("churn") ? 0 : o.sources();
        try (var wire = new Wire("127.0.0.1", o.ports().get(0), sources, o.threads());
                var acks = new AckSweeper()) {
            var entries = new Entries(o.ports().stream().map(wire::to).toList(), o.hop());
            Dialer dialer = Protocols.dialer(o.protocol(), entries, acks);
            switch (o.scenario()) {
                case "idle" -> IdleLoad.run(o, dialer);
                case "echo" -> EchoLoad.run(o, dialer);
                case "echo-reopen" -> ReopeningEchoLoad.run(o, dialer);
                case "fanout" -> FanoutLoad.run(o, dialer);
                case "churn" -> ChurnLoad.run(o, dialer);
                default -> throw new IllegalArgumentException("unknown scenario '" + o.scenario() + "'");
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            System.err.println("load " + o.scenario() + " over " + o.protocol() + " failed: " + e.getMessage());
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        System.out.flush();
        // Links still closing must not hold the process: the figures are out.
        Runtime.getRuntime().halt(0);
    }
}
