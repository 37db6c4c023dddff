package dev.pagewire.bench;

/**
 * One server over one protocol and transport, as a column of the report.
 *
 * @param peer the server
 * @param protocol the load generator's protocol name (see {@code load.Protocols})
 * @param title the column's title
 */
record Subject(Peer peer, String protocol, String title) {}
