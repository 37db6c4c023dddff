package dev.pagewire.gateway;

/**
 * Runs the gateway from the command line ({@code java -jar pagewire-gateway.jar --backend URL …});
 * {@code --help} lists the options ({@link GatewayOptions}). Prints
 * {@code Pagewire gateway listening on port P, forwarding to URL} once it serves.
 */
public final class GatewayMain {

    private GatewayMain() {}

    /**
     * Starts the gateway and serves until the process is stopped; exits with status 2 on a wrong
     * option, 1 when the gateway cannot start.
     *
     * @param args the command line's options
     * @throws InterruptedException if the main thread is interrupted while the gateway serves
     */
    public static void main(String[] args) throws InterruptedException {
        GatewayOptions options;
        try {
            options = GatewayOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "; try --help");
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(GatewayOptions.USAGE);
            return;
        }
        PagewireGateway gateway;
        try {
            gateway = PagewireGateway.start(options.settings());
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("cannot start the gateway: " + e.getMessage());
            System.exit(1);
            return;
        }
        // In a cluster a stopping gateway drains first: its pages move to the others.
        Runnable stop = options.redis() == null
                ? gateway::close
                : () -> {
                    gateway.drain();
                    gateway.close();
                };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "gateway-shutdown"));
        System.out.println("Pagewire gateway listening on port " + gateway.port() + ", forwarding to "
                + options.settings().backend());
        gateway.awaitClose();
    }
}
