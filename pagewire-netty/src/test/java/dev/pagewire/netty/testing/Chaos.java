package dev.pagewire.netty.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A running {@link FaultyRelay#chaos} plan: cuts at points drawn from a seed, until its {@link
 * ChaosPlan#cuts()} are done or it is {@linkplain #stop() stopped}. Put it in assertion messages:
 * its {@link #toString()} names the seed and the points so far, so a failure can be replayed.
 *
 * <p>The points come from {@link Random} with the seed, whose sequence the JDK specifies, so a
 * seed draws the same points on every JDK and machine.
 *
 * <p>Thread-safe: query and stop it from any thread.
 */
public final class Chaos {

    private final FaultyRelay relay;
    private final long seed;
    private final ChaosPlan plan;
    private final Random random;
    /** Bytes or milliseconds of each cut that fired, in order; guarded by {@link #lock}. */
    private final List<Long> fired = new ArrayList<>();
    /** Armed for a plan by bytes, else null. */
    private final ByteCut byteCut;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stopping = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private boolean stopped;
    /** Guarded by {@link #lock}; for a plan by time: its thread has ended. */
    private boolean timerDone;

    Chaos(FaultyRelay relay, long seed, ChaosPlan plan) {
        this.relay = relay;
        this.seed = seed;
        this.plan = plan;
        this.random = new Random(seed);
        this.byteCut = switch (plan) {
            case ChaosPlan.AfterBytes bytes ->
                new ByteCut(
                        bytes.direction(), () -> draw(bytes.minBytes(), bytes.maxBytes()), bytes.cuts(), this::record);
            case ChaosPlan.AfterTime time -> null;
        };
    }

    void start() {
        switch (plan) {
            case ChaosPlan.AfterBytes bytes -> relay.arm(byteCut);
            case ChaosPlan.AfterTime time -> relay.run(() -> cutOnTime(time));
        }
    }

    /** The seed the points are drawn from. */
    public long seed() {
        return seed;
    }

    /** The plan being run. */
    public ChaosPlan plan() {
        return plan;
    }

    /** How many cuts have fired so far; at most {@code plan().cuts()}. */
    public int cuts() {
        lock.lock();
        try {
            return fired.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The point of each cut that fired, in order: its byte count for a plan by bytes, its delay in
     * milliseconds for a plan by time.
     */
    public List<Long> fired() {
        lock.lock();
        try {
            return List.copyOf(fired);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether no more cuts will fire: all of them did, it was stopped, or (for a plan by bytes) a
     * later {@link FaultyRelay#cutAfter} or chaos took over its direction.
     */
    public boolean done() {
        if (byteCut != null) {
            return byteCut.finished();
        }
        lock.lock();
        try {
            return stopped || timerDone;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops drawing cuts; idempotent. A plan by time fires no cut after this returns; for a plan by
     * bytes, a cut that a connection had already reached may still land.
     */
    public void stop() {
        if (byteCut != null) {
            byteCut.cancel();
            relay.disarm(byteCut);
            relay.forget(this);
        }
        lock.lock();
        try {
            stopped = true;
            stopping.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "chaos seed=" + seed + "L " + plan + ", fired " + fired();
    }

    /** Uniform in {@code [min, max]}; spelled out so the points depend on nothing but the seed. */
    private long draw(long min, long max) {
        return min + Math.floorMod(random.nextLong(), max - min + 1);
    }

    /** Called by the byte cut, under its lock, each time it fires. */
    private void record(long point) {
        boolean all;
        lock.lock();
        try {
            fired.add(point);
            all = fired.size() == plan.cuts();
        } finally {
            lock.unlock();
        }
        if (all) {
            relay.forget(this);
        }
    }

    private void cutOnTime(ChaosPlan.AfterTime time) {
        try {
            for (int i = 0; i < time.cuts(); i++) {
                long delay = draw(time.minDelay().toMillis(), time.maxDelay().toMillis());
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
                lock.lock();
                try {
                    long left;
                    while (!stopped && (left = deadline - System.nanoTime()) > 0) {
                        stopping.awaitNanos(left);
                    }
                    if (stopped) {
                        return;
                    }
                    // Under the lock, so that no cut fires once stop() has returned.
                    relay.cutAll();
                    fired.add(delay);
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // Only the relay's close() interrupts: stop here.
        } finally {
            lock.lock();
            try {
                timerDone = true;
            } finally {
                lock.unlock();
            }
            relay.forget(this);
        }
    }
}
