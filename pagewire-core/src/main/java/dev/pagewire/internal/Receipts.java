package dev.pagewire.internal;

import dev.pagewire.internal.protocol.Frame;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What a page has received from its browser (docs/PROTOCOL.md §10.2, §10.3): the number of the last
 * data frame, how many arrived since the browser was last told the ack, and when to tell it: at once
 * at {@value #ACK_AT_ONCE} frames, else {@value #ACK_DELAY_MILLIS} ms after the first (a task on the
 * shared timer; no thread per page), unless a data frame took the ack along first. Thread-safe; its
 * lock is never held while taking another one, so {@link Outbox} may call in under its own.
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
    /**
     * How long an ack may wait for a data frame to ride on. Acks only let the browser forget what it
     * keeps for resume (§10.5), so a second costs little; a shorter delay would send one more frame
     * for every event a quiet page gets.
     */
    static final long ACK_DELAY_MILLIS = 1000;

    private final ScheduledExecutorService timer;
    private final Runnable sendAck;
    private int flushes;

    private long last;
    private int owed;
    private boolean flushScheduled;

    /**
     * Checks frame {@code seq} and, when it is the next number, runs {@code deliver} and counts the
     * frame if that returns {@code true}, atomically (two connections of one page never interleave).
     */
    Verdict receive(long seq, BooleanSupplier deliver) {
        Verdict verdict;
        synchronized (this) {
            if (seq <= last) {
                verdict = Verdict.DUPLICATE;
            } else if (seq != last + 1) {
                return Verdict.GAP;
            } else if (!deliver.getAsBoolean()) {
                return Verdict.REFUSED;
            } else {
                last = seq;
                verdict = Verdict.DELIVERED;
            }
            owed++;
        }
        ackDue();
        return verdict;
    }

    /**
     * @param timer the shared timer for delayed acks
     * @param sendAck sends {@code ["ack", a]} if one is still owed (through {@link #takeAck()})
     */
    Receipts(ScheduledExecutorService timer, Runnable sendAck) {
        this.timer = timer;
        this.sendAck = sendAck;
    }

    private void ackDue() {
        boolean now;
        boolean later = false;
        synchronized (this) {
            now = owed >= ACK_AT_ONCE;
            if (!now && !flushScheduled) {
                flushScheduled = later = true;
            }
        }
        if (now) {
            sendAck.run();
        } else if (later) {
            try {
                timer.schedule(this::flush, ACK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    flushScheduled = false; // the application is closing
                }
            }
        }
    }

    private void flush() {
        synchronized (this) {
            flushScheduled = false;
        }
        sendAck.run();
        synchronized (this) {
            flushes++; // after the send: a test that sees the count sees what the flush sent
        }
    }

    /** Delayed flushes that ran (tests). */
    synchronized int flushes() {
        return flushes;
    }

    /** The last number received: this side's ack. */
    synchronized long last() {
        return last;
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
}
