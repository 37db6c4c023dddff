package dev.pagewire;

import java.util.Objects;

/**
 * Whether a node should be sent new pages now, as its load balancer or orchestrator asks
 * ({@code GET /_pagewire/health/ready}, docs/OPERATIONS.md). A node that answers at all is live;
 * readiness is what changes: a node that drains ({@link Pagewire#drain()}) or is cut off from its
 * cluster says so, and keeps serving the pages it has.
 *
 * @param state what the node is doing
 * @param reason why it is not ready, for a person reading a probe's answer; {@code "ready"} when it is
 */
public record Health(State state, String reason) {

    /** What a node is doing, as far as new pages are concerned. */
    public enum State {
        /** Takes new pages. */
        READY,
        /** Shutting down ({@link Pagewire#drain()}): serves its pages, takes no new ones. */
        DRAINING,
        /** A node of a cluster that is cut off from it (its lease lapsed): its pages are lost elsewhere. */
        OUT_OF_CLUSTER,
        /** The application is closed. */
        CLOSED
    }

    /** A node that takes new pages. */
    public static final Health READY = new Health(State.READY, "ready");

    /**
     * A node's readiness.
     *
     * @param state what the node is doing
     * @param reason why it is not ready, or {@code "ready"}
     */
    public Health {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * Whether the node takes new pages.
     *
     * @return whether {@link #state} is {@link State#READY}
     */
    public boolean ready() {
        return state == State.READY;
    }
}
