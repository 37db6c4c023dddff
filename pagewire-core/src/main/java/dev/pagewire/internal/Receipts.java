package dev.pagewire.internal;

import dev.pagewire.internal.protocol.Frame;
import java.util.function.BooleanSupplier;

/**
 * What a page has received from its browser (docs/PROTOCOL.md §10.2, §10.3): the number of the last
 * data frame, and how many arrived since the browser was last told the ack. Thread-safe; its lock
 * is never held while taking another one, so {@link Outbox} may call in under its own.
 */
final class Receipts {

    /** What to do with an inbound numbered frame. */
    enum Verdict {
        /** The next number: it was delivered and counted. */
        DELIVERED,
        /** Not above the last one: not delivered, but an ack is due. */
        DUPLICATE,
        /** Skips ahead of the next number: a protocol error. */
        GAP,
        /** The next number, but the mailbox refused it: not counted, so a resume resends it. */
        REFUSED
    }

    /** Unacknowledged frames that make the ack due at once rather than after a delay. */
    static final int ACK_AT_ONCE = 64;

    private long last;
    private int owed;
    private boolean flushScheduled;

    /**
     * Checks frame {@code seq} and, when it is the next number, runs {@code deliver} and counts the
     * frame if that returns {@code true}, atomically (two connections of one page never interleave).
     */
    synchronized Verdict receive(long seq, BooleanSupplier deliver) {
        if (seq <= last) {
            owed++;
            return Verdict.DUPLICATE;
        }
        if (seq != last + 1) {
            return Verdict.GAP;
        }
        if (!deliver.getAsBoolean()) {
            return Verdict.REFUSED;
        }
        last = seq;
        owed++;
        return Verdict.DELIVERED;
    }

    /** The last number received: this side's ack. */
    synchronized long last() {
        return last;
    }

    /** Whether enough frames wait for an ack to send it now. */
    synchronized boolean ackUrgent() {
        return owed >= ACK_AT_ONCE;
    }

    /** Marks a delayed flush as scheduled; {@code false} if one already is, or none is needed. */
    synchronized boolean scheduleFlush() {
        if (flushScheduled || owed == 0) {
            return false;
        }
        flushScheduled = true;
        return true;
    }

    /** The ack to tell the browser if one is owed (and counts it told), else {@link Frame#NO_ACK}. */
    synchronized long takeAck() {
        if (owed == 0) {
            return Frame.NO_ACK;
        }
        owed = 0;
        return last;
    }

    /** The ack for a {@code hello}: the browser learns it whether or not one was owed. */
    synchronized long takeAckForHello() {
        owed = 0;
        return last;
    }

    /** A scheduled flush is running: the next frame may schedule another. */
    synchronized void flushRan() {
        flushScheduled = false;
    }
}
