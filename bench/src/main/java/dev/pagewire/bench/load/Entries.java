package dev.pagewire.bench.load;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the load generator's links go: one server, or the entries of a cluster (its load
 * balancers, or its nodes' own ports), taken in turn, one per link. With a {@code hop}, a page is
 * rendered at one entry and its channel opened at the entry {@code hop} places further on: with
 * the nodes' own ports and a hop of 1, every page's channel reaches a node that does not own the
 * page, so a cluster must relay it to its owner. Thread-safe.
 */
final class Entries {

    /**
     * The wires one link uses.
     *
     * @param page where the page is rendered (its GET)
     * @param channel where its channel is opened
     */
    record Pick(Wire page, Wire channel) {}

    private final List<Wire> wires;
    private final int hop;
    private final AtomicInteger next = new AtomicInteger();

    /** @param hop 0 for a channel at the entry that rendered the page */
    Entries(List<Wire> wires, int hop) {
        if (wires.isEmpty()) {
            throw new IllegalArgumentException("no entry to connect to");
        }
        if (hop != 0 && wires.size() < 2) {
            throw new IllegalArgumentException("a hop needs two entries at least, got " + wires.size());
        }
        this.wires = List.copyOf(wires);
        this.hop = hop;
    }

    /** One server. */
    static Entries of(Wire wire) {
        return new Entries(List.of(wire), 0);
    }

    /** The wires of the next link. */
    Pick next() {
        int k = next.getAndIncrement();
        return new Pick(wires.get(Math.floorMod(k, wires.size())), wires.get(Math.floorMod(k + hop, wires.size())));
    }
}
