package dev.pagewire.client.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * The sequence numbers and acks of one page's channel, both ways (docs/PROTOCOL.md §10): the data
 * frames the client sent and the server has not acked yet (and those not sent at all, while there
 * is no connection), and what the client received and told the server. It outlives connections:
 * the channel tells it when one says hello ({@link #resume}) and when one ends ({@link #pause}).
 *
 * <p>Not thread-safe: the channel calls it under its lock only.
 */
final class Sequencer {

    /**
     * A standalone ack goes at most this long after the first data frame not yet acked (§10.2)...
     * Acks only let the server forget what it keeps for resume, and at most {@link #ACK_AT_ONCE}
     * frames wait for one, so waiting costs the server little; every ack is a message the server
     * must handle, times every page of a topic, so they are rare.
     */
    static final long ACK_DELAY_MS = 5000;
    /** ...or at once when this many wait for one. */
    static final int ACK_AT_ONCE = 64;

    /** Encodes a kept frame with its number and, when positive, the client's ack. */
    @FunctionalInterface
    interface Encoder {
        Outgoing encode(long seq, long ack);
    }

    /** One kept frame; {@code onDrop} is told when it is given up unsent (§10.5), or null. */
    private static final class Kept {
        long seq;
        final Encoder encoder;
        final Runnable onDrop;

        Kept(long seq, Encoder encoder, Runnable onDrop) {
            this.seq = seq;
            this.encoder = encoder;
            this.onDrop = onDrop;
        }
    }

    private final int max;
    private final Later later;
    /** Sends a control frame on the current connection; false when there is none. */
    private final Predicate<Outgoing> sendControl;

    private final ArrayDeque<Kept> kept = new ArrayDeque<>();
    private long nextSeq = 1;
    /** The highest number handed to the current connection. */
    private long sentThrough;
    /** The last data frame received in order: the client's ack. */
    private long received;
    /** The last ack the server knows of. */
    private long told;
    /** Data frames received since the server was last told an ack. */
    private int waiting;

    private Future<?> ackTimer;
    /** The server closed the last connection with 1009: the next resume gives up the refused frame (§10.5). */
    private boolean refusedTooLarge;

    Sequencer(int max, Later later, Predicate<Outgoing> sendControl) {
        this.max = max;
        this.later = later;
        this.sendControl = sendControl;
    }

    /** The client's ack: what every channel request carries as {@code ack} (§10.3). */
    long received() {
        return received;
    }

    int max() {
        return max;
    }

    int size() {
        return kept.size();
    }

    boolean full() {
        return kept.size() >= max;
    }

    /** Numbers a new data frame and keeps it; the caller checked {@link #full()}. */
    void add(Encoder encoder, Runnable onDrop) {
        kept.addLast(new Kept(nextSeq++, encoder, onDrop));
    }

    /** The kept frames the current connection has not carried yet, encoded, in order. */
    List<Outgoing> unsent() {
        List<Outgoing> out = new ArrayList<>();
        for (Kept frame : kept) {
            if (frame.seq <= sentThrough) {
                continue;
            }
            sentThrough = frame.seq;
            out.add(frame.encoder.encode(frame.seq, takeAck()));
        }
        return out;
    }

    /** The server closed the connection with 1009 at the first frame it did not take. */
    void refusedTooLarge() {
        refusedTooLarge = true;
    }

    /**
     * A connection said hello: forget what the server has; {@link #unsent} yields the rest. After
     * a {@link #refusedTooLarge()}, gives up the oldest frame left (the refused one, §10.5) and
     * returns its number; else -1.
     */
    long resume(long serverAck, long openedWith) {
        acked(serverAck);
        sentThrough = 0;
        told = openedWith;
        waiting = 0;
        if (received > told) {
            ackDue((int) Math.min(Integer.MAX_VALUE, received - told));
        }
        if (!refusedTooLarge) {
            return -1;
        }
        refusedTooLarge = false;
        return dropOldest();
    }

    /** The connection is gone: a standalone ack waits for the next, whose request carries it. */
    void pause() {
        if (ackTimer != null) {
            ackTimer.cancel(false);
            ackTimer = null;
        }
    }

    /**
     * Forgets the oldest kept frame (the server refused it for its size) and renumbers the rest
     * one lower, so the server sees no gap (§10.5). Returns the number it had, or -1.
     */
    long dropOldest() {
        Kept dropped = kept.pollFirst();
        if (dropped == null) {
            return -1;
        }
        for (Kept frame : kept) {
            frame.seq--;
        }
        nextSeq--;
        if (dropped.onDrop != null) {
            dropped.onDrop.run();
        }
        return dropped.seq;
    }

    /** Forgets everything: the channel is over. */
    void clear() {
        pause();
        kept.clear();
    }

    /** The server acked every frame up to {@code ack}. */
    void acked(long ack) {
        for (Iterator<Kept> it = kept.iterator(); it.hasNext(); ) {
            if (it.next().seq > ack) {
                return;
            }
            it.remove();
        }
    }

    /** The last number handed out: an ack above it from the server is malformed. */
    long lastSent() {
        return nextSeq - 1;
    }

    enum Receipt {
        NEW,
        DUPLICATE,
        GAP
    }

    /** Accounts for a data frame from the server numbered {@code seq}. */
    Receipt receive(long seq) {
        if (seq > received + 1) {
            return Receipt.GAP;
        }
        boolean fresh = seq == received + 1;
        if (fresh) {
            received = seq;
        }
        // A duplicate means the server did not know it had arrived: ack it again.
        ackDue(1);
        return fresh ? Receipt.NEW : Receipt.DUPLICATE;
    }

    /** The server lost frames up to {@code to} for good (§10.4): the next one is {@code to + 1}. */
    void missed(long to) {
        if (to <= received) {
            return;
        }
        received = to;
        ackDue(1);
    }

    /** Sends a standalone ack if one is due and a connection can carry it. */
    void flushAck() {
        if (waiting == 0 && received <= told) {
            return;
        }
        long ack = received;
        if (sendControl.test(new Outgoing.Text("[\"ack\"," + ack + "]"))) {
            told = ack;
            waiting = 0;
            pause();
        }
    }

    private void ackDue(int count) {
        waiting += count;
        if (waiting >= ACK_AT_ONCE) {
            flushAck();
        } else if (ackTimer == null) {
            ackTimer = later.run(ACK_DELAY_MS, () -> {
                ackTimer = null;
                flushAck();
            });
        }
    }

    /** The ack to piggyback on a data frame being sent, or 0 when the server knows it. */
    private long takeAck() {
        if (received <= told) {
            return 0;
        }
        told = received;
        waiting = 0;
        pause();
        return told;
    }
}
