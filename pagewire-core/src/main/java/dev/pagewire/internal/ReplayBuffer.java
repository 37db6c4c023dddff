package dev.pagewire.internal;

import dev.pagewire.internal.protocol.DataFrame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The data frames a page sent and its browser has not acknowledged yet (docs/PROTOCOL.md §10.5),
 * kept to resend after a reconnect. Bounded by a frame count and a byte count: past either the
 * oldest frames are dropped and remembered as missed, so the kept frames are always a contiguous
 * run of numbers and what was dropped is one range below it. Not thread-safe: {@link Outbox} owns
 * it under its lock.
 */
final class ReplayBuffer {

    /** A kept frame with its number and its size on the wire. */
    record Kept(long seq, DataFrame frame, int bytes) {}

    /** Frames {@code from}…{@code to} are gone for good (§10.4). */
    record Missed(long from, long to, String reason) {}

    private final int maxFrames;
    private final long maxBytes;
    /** Starts small (an idle page keeps nothing) and grows as frames wait for an ack. */
    private final ArrayDeque<Kept> kept = new ArrayDeque<>(1);

    private long bytes;
    /** The highest number acknowledged by the browser. */
    private long acked;
    /** The highest number dropped before it was acknowledged, or 0. */
    private long droppedTo;

    private String dropReason;

    ReplayBuffer(int maxFrames, long maxBytes) {
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    /** Keeps frame {@code seq}, the next number after the last one added, dropping oldest as needed. */
    void add(long seq, DataFrame frame) {
        int size = frame.size(seq);
        if (size > maxBytes) {
            // Dropping only this one would leave a hole no single missed range can describe.
            while (!kept.isEmpty()) {
                drop("replay buffer full (" + maxBytes + " bytes)");
            }
            droppedTo = seq;
            dropReason = "frame larger than the replay buffer (" + maxBytes + " bytes)";
            return;
        }
        while (kept.size() >= maxFrames) {
            drop("replay buffer full (" + maxFrames + " frames)");
        }
        while (bytes + size > maxBytes) {
            drop("replay buffer full (" + maxBytes + " bytes)");
        }
        kept.addLast(new Kept(seq, frame, size));
        bytes += size;
    }

    private void drop(String reason) {
        Kept oldest = kept.removeFirst();
        bytes -= oldest.bytes();
        droppedTo = oldest.seq();
        dropReason = reason;
    }

    /** The browser has every frame up to {@code ack}: forget them. */
    void acked(long ack) {
        if (ack <= acked) {
            return;
        }
        acked = ack;
        while (!kept.isEmpty() && kept.peekFirst().seq() <= ack) {
            bytes -= kept.removeFirst().bytes();
        }
    }

    /** What a browser whose ack is {@code ack} can no longer get, or {@code null}. */
    Missed missedAbove(long ack) {
        long to = Math.max(droppedTo, acked);
        if (to <= ack) {
            return null;
        }
        // acked > droppedTo: the browser acknowledged these before and now asks again (its bug).
        return new Missed(ack + 1, to, droppedTo >= acked ? dropReason : "acknowledged before");
    }

    /** The kept frames above {@code ack}, in order. */
    List<Kept> above(long ack) {
        List<Kept> out = new ArrayList<>();
        for (Kept k : kept) {
            if (k.seq() > ack) {
                out.add(k);
            }
        }
        return out;
    }

    int frames() {
        return kept.size();
    }

    long bytes() {
        return bytes;
    }

    void clear() {
        kept.clear();
        bytes = 0;
    }
}
