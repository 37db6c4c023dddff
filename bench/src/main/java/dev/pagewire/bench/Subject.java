package dev.pagewire.bench;

/**
 * One server over one transport, as a column of the report.
 *
 * @param peer the server
 * @param transport {@code ws}, {@code sse}, {@code lp} (Pagewire's long-polling) or {@code polling}
 *     (Socket.IO's)
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
     * protocol on every server.
     */
    String protocol() {
        return (peer.isPagewire() ? "pagewire" : peer.flag()) + "-" + transport;
    }
}
