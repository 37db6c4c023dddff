package dev.pagewire.bench;

/**
 * One server over one transport, as a column of the report.
 *
 * @param peer the server
 * @param transport {@code ws}, {@code sse}, {@code lp} (Pagewire's long-polling) or {@code polling}
 *     (Socket.IO's); in the cluster scenario also how the channel reaches the nodes: {@code owner}
 *     and {@code relayed} (Pagewire's WebSocket straight to the node that rendered the page, or to
 *     another one), {@code sticky} (Socket.IO's polling behind a load balancer with sticky
 *     sessions); see {@link ClusterRun.Entry}
 * @param title the column's title
 */
record Subject(Peer peer, String transport, String title) {

    /**
     * The subject's name in the run log and in file names, e.g. {@code pagewire-ws},
     * {@code pagewire-tomcat-sse}.
     */
    String id() {
        return peer.flag() + "-" + transport;
    }

    /**
     * The load generator's protocol name (see {@code load.Protocols}): Pagewire speaks the same
     * protocol on every server, Socket.IO with either adapter.
     */
    String protocol() {
        String wire = switch (transport) {
            case "owner", "relayed" -> "ws";
            case "sticky" -> "polling";
            default -> transport;
        };
        return peer.protocol() + "-" + wire;
    }
}
