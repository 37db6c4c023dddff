package dev.pagewire.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.Topic;
import dev.pagewire.backplane.TopicSnapshot;
import dev.pagewire.internal.protocol.DataFrame;
import dev.pagewire.internal.protocol.FrameCodec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic as this node knows it: the members of the whole cluster with their presence (those of
 * this node with their {@link TopicMember}), its kept history, its configuration and its listeners.
 * Its state changes only by the topic's events as the backplane orders them ({@link #join},
 * {@link #leave}, {@link #broadcast}) and by snapshots ({@link #reset}); each holds this object's
 * monitor while it sends to this node's members, so they reach every member in one order, and a
 * joiner's history and its registration are one step against broadcasts: no gap, no duplicate.
 * Sending never blocks ({@link TopicMember#send}). Listeners run on their own {@link Mailbox},
 * queued under the monitor (so in order) and run without it. Nothing here publishes: callers
 * publish without holding the monitor, which the backplane's delivery takes.
 *
 * <p>The registry drops a state that has no members, no leave of this node under way and was never
 * configured: such a state retires itself, and a retired state refuses joins and configuration so
 * that callers fetch a new one.
 */
final class TopicState {

    private static final Logger log = LoggerFactory.getLogger(TopicState.class);

    static final String MEMBERS = FrameCodec.SYSTEM_PREFIX + "members";
    static final String JOIN = FrameCodec.SYSTEM_PREFIX + "join";
    static final String LEAVE = FrameCodec.SYSTEM_PREFIX + "leave";
    static final String MISSED = FrameCodec.SYSTEM_PREFIX + "missed";

    /**
     * A member of the cluster as this node knows it.
     *
     * @param local the member's channel when it lives on this node and hears the topic; {@code null}
     *     for a member of another node, and for one of this node that left (or whose join is stale)
     *     until its leave comes back
     */
    private record Entry(TopicMember local, Topic.Member info) {}

    /**
     * What a {@link #reset} leaves the caller to do, once it holds no lock.
     *
     * @param retired the state retired itself: the registry must drop it
     * @param rejoin members of this node, in join order, whose joins the cluster lost: to publish again
     * @param leave members that the cluster keeps for this node but that are not in the topic here
     *     (their leave was lost): to publish a leave for
     */
    record Reset(boolean retired, List<String> rejoin, List<String> leave) {}

    private final String name;
    private final PresenceFrames frames;
    private final Mailbox listenerQueue;
    private final List<Consumer<Topic.Member>> joinListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Topic.Member>> leaveListeners = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private final LinkedHashMap<String, Entry> members = new LinkedHashMap<>();
    private final ArrayDeque<DataFrame> history = new ArrayDeque<>();
    /**
     * Members of this node whose page has not connected yet (docs/TOPICS.md, "Presence means
     * connected"): they hear the topic's broadcasts, in order, from their join on, but count as no
     * member: not in {@link #members}, {@link #size}, presence frames or listeners, and not on other
     * nodes, which have not heard of them. Their join is published when they first connect.
     */
    private final Map<String, TopicMember> unseen = new HashMap<>(4);
    /** Leaves this node published for its members and has not seen come back: count by member id. */
    private final Map<String, Integer> pendingLeaves = new HashMap<>(4);
    /** The number of the last event of this topic applied here ({@code 0}: none yet). */
    private long lastSeq;

    private boolean announce;
    private boolean configured;
    private boolean retired;
    /** Written under the monitor; read without it by publishers ({@link #historySize}). */
    private volatile int historySize;

    TopicState(String name, FrameCodec codec, Executor executor, int historySize) {
        this.name = name;
        this.frames = new PresenceFrames(name, codec);
        this.listenerQueue = new Mailbox(executor, Integer.MAX_VALUE);
        this.historySize = historySize;
    }

    /**
     * Applies a join: adds the member, or replaces its presence if it is one already (keeping its
     * place). A member of this node that joins for the first time gets {@code pagewire:members} (if
     * announced) and the history first.
     *
     * @param here whether the member lives on this node
     * @param candidate the member's channel if it lives here and is in the topic now, else
     *     {@code null}; ignored while a leave of it is under way (the join is older than that leave)
     * @return {@code false} if this state is retired and the caller must use a new one
     */
    synchronized boolean join(String id, JsonNode presence, boolean here, TopicMember candidate, long seq) {
        if (retired) {
            return false;
        }
        lastSeq = seq;
        TopicMember local = pendingLeaves.containsKey(id) ? null : candidate;
        // A member that heard the topic unseen has had its history, and every broadcast since.
        boolean wasUnseen = local != null && unseen.remove(id) == local;
        Topic.Member info = new Topic.Member(id, presence, here);
        Entry previous = members.get(id);
        boolean welcome = local != null && (previous == null || previous.local() != local);
        if (welcome && announce) {
            local.send(frames.members(infos(members), id));
        }
        // On a key already present, put keeps the member's place in the join order.
        members.put(id, new Entry(local, info));
        if (welcome && !wasUnseen) {
            for (DataFrame frame : history) {
                local.send(frame);
            }
        }
        if (announce) {
            sendExcept(frames.presence(JOIN, info), id);
        }
        queue(joinListeners, info, "join");
        return true;
    }

    /**
     * This node is about to publish member {@code id}'s leave: from now on it hears nothing more of
     * the topic, and its joins that come back before the leave are stale.
     *
     * @return {@code false} if this state is retired and the caller must use a new one
     */
    synchronized boolean leaving(String id) {
        if (retired) {
            return false;
        }
        unseen.remove(id);
        pendingLeaves.merge(id, 1, Integer::sum);
        Entry entry = members.get(id);
        if (entry != null && entry.local() != null) {
            members.put(id, new Entry(null, entry.info()));
        }
        return true;
    }

    /**
     * Applies a leave: removes the member, if it is one.
     *
     * @return {@code true} if this state retired itself: the registry must drop it
     */
    synchronized boolean leave(String id, long seq) {
        lastSeq = seq;
        pendingLeaves.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
        Entry gone = members.remove(id);
        if (gone != null) {
            if (announce) {
                sendExcept(frames.presence(LEAVE, gone.info()), null);
            }
            queue(leaveListeners, gone.info(), "leave");
        }
        return retireIfUnused();
    }

    /**
     * Applies a broadcast: sends it to every member of this node but {@code exceptId}, the unseen
     * ones included, and keeps it.
     */
    synchronized void broadcast(DataFrame frame, String exceptId, long seq) {
        lastSeq = seq;
        if (historySize > 0) {
            history.addLast(frame);
        }
        trimHistory(); // also what a snapshot left beyond historySize (see reset)
        sendExcept(frame, exceptId);
        sendUnseen(frame, exceptId);
    }

    /**
     * A member of this node whose page has not connected yet joins: from now on it hears the
     * topic's broadcasts (the history first), as no member. Not a topic event: the cluster hears of
     * it when the page connects and its join is published.
     *
     * @return {@code false} if this state is retired and the caller must use a new one
     */
    synchronized boolean joinUnseen(String id, TopicMember local) {
        if (retired) {
            return false;
        }
        if (unseen.put(id, local) != local) {
            for (DataFrame frame : history) {
                local.send(frame);
            }
        }
        return true;
    }

    /**
     * An unseen member leaves (or its page closed without ever connecting): nobody hears of it.
     *
     * @return {@code true} if this state retired itself: the registry must drop it
     */
    synchronized boolean leaveUnseen(String id) {
        unseen.remove(id);
        return retireIfUnused();
    }

    /**
     * Takes the topic's state from a snapshot of the cluster: its members in join order and its
     * history. After an outage this node's members hear what they may have missed: the joins and
     * leaves as {@code pagewire:join} / {@code pagewire:leave} (if announced) and, when events of the
     * topic went by unseen, {@code pagewire:missed}; one the snapshot shows for the first time is
     * welcomed as a joiner. Members of this node whose joins the cluster lost stay members here, for
     * the caller to publish again.
     *
     * @param topic the topic in the snapshot, or {@code null} if the cluster has nothing of it
     * @param localOf the channel of member {@code id} if it lives on this node and is in the topic
     *     now, else {@code null}; must not block or take locks
     * @param joinedHere the ids of this node's members in the topic now, in any order
     * @return what the caller must publish, or {@code null} if this state is retired and the caller
     *     must use a new one
     */
    synchronized Reset reset(
            TopicSnapshot.Topic topic,
            Function<String, TopicMember> localOf,
            Collection<String> joinedHere,
            int thisNode,
            boolean afterOutage) {
        if (retired) {
            return null;
        }
        long seq = topic == null ? 0 : topic.seq();
        boolean missed = afterOutage && seq != lastSeq;
        List<String> rejoin = new ArrayList<>();
        List<String> leave = new ArrayList<>();

        LinkedHashMap<String, Entry> next = new LinkedHashMap<>();
        for (TopicSnapshot.Member m : topic == null ? List.<TopicSnapshot.Member>of() : topic.members()) {
            boolean here = m.node() == thisNode;
            TopicMember local = here ? localOf.apply(m.id()) : null;
            next.put(m.id(), new Entry(local, new Topic.Member(m.id(), Presence.parse(m.presence()), here)));
            if (here && local == null && afterOutage) {
                leave.add(m.id());
            }
        }
        if (afterOutage) {
            for (Entry kept : members.values()) {
                String id = kept.info().id();
                if (kept.local() != null && !next.containsKey(id) && localOf.apply(id) == kept.local()) {
                    next.put(id, kept); // the cluster lost its join: it stays a member here, and joins again
                    rejoin.add(id);
                }
            }
            for (String id : joinedHere) {
                if (!next.containsKey(id)) {
                    rejoin.add(id); // its join never came back: it comes now, and welcomes the member
                }
            }
        }

        ArrayDeque<DataFrame> kept = new ArrayDeque<>();
        if (topic != null) {
            List<TopicSnapshot.Broadcast> all = topic.history();
            // A topic not configured yet (a node joining a running cluster gets its first snapshot
            // before the application configures its topics) keeps what the cluster kept, as the
            // nodes that broadcast asked, until configured or until its next broadcast.
            int keep = configured ? historySize : all.size();
            for (TopicSnapshot.Broadcast b : all.subList(all.size() - Math.min(keep, all.size()), all.size())) {
                kept.addLast(DataFrame.fromEncoded(b.frame()));
            }
        }

        List<Change> changes = changes(members, next);
        DataFrame missedFrame = missed ? frames.missed() : null;
        for (Entry e : next.values()) {
            if (e.local() == null) {
                continue;
            }
            Entry before = members.get(e.info().id());
            if (before == null || before.local() != e.local()) {
                // Its join never came back here: welcome it as a joiner.
                if (announce) {
                    e.local().send(frames.members(infos(next), e.info().id()));
                }
                for (DataFrame frame : kept) {
                    e.local().send(frame);
                }
            } else if (announce) {
                for (Change c : changes) {
                    if (!c.info().id().equals(e.info().id())) {
                        e.local().send(c.frame());
                    }
                }
            }
            if (missedFrame != null) {
                e.local().send(missedFrame);
            }
        }
        if (missedFrame != null) {
            sendUnseen(missedFrame, null);
        }
        for (Change c : changes) {
            queue(c.joined() ? joinListeners : leaveListeners, c.info(), c.joined() ? "join" : "leave");
        }

        members.clear();
        members.putAll(next);
        history.clear();
        history.addAll(kept);
        pendingLeaves.clear();
        lastSeq = seq;
        // Broadcasts the cluster keeps for a topic without members say that it is configured on the
        // nodes that broadcast (every node configures alike): keep them for this node's joiners too.
        return new Reset(kept.isEmpty() && retireIfUnused(), rejoin, leave);
    }

    /** A member that joined (or changed its presence) or left between two views of the topic. */
    private record Change(boolean joined, Topic.Member info, DataFrame frame) {}

    private List<Change> changes(Map<String, Entry> before, Map<String, Entry> after) {
        List<Change> changes = new ArrayList<>();
        for (Entry e : before.values()) {
            if (!after.containsKey(e.info().id())) {
                changes.add(new Change(false, e.info(), frames.presence(LEAVE, e.info())));
            }
        }
        for (Entry e : after.values()) {
            Entry old = before.get(e.info().id());
            if (old == null || !old.info().presence().equals(e.info().presence())) {
                changes.add(new Change(true, e.info(), frames.presence(JOIN, e.info())));
            }
        }
        return changes;
    }

    synchronized int size() {
        return members.size();
    }

    synchronized List<Topic.Member> members() {
        return infos(members);
    }

    private static List<Topic.Member> infos(Map<String, Entry> entries) {
        return entries.values().stream().map(Entry::info).toList();
    }

    /** How many broadcasts this node keeps: what a broadcast from here asks the cluster to keep. */
    int historySize() {
        return historySize;
    }

    /**
     * Marks this state configured, so it lives as long as the application.
     *
     * @return {@code false} if it is retired already and the caller must use a new one
     */
    synchronized boolean pin() {
        if (!retired) {
            configured = true;
        }
        return !retired;
    }

    synchronized void history(int lastN) {
        historySize = lastN;
        trimHistory();
    }

    synchronized void announce(boolean on) {
        announce = on;
    }

    void onJoin(Consumer<Topic.Member> listener) {
        joinListeners.add(listener);
    }

    void onLeave(Consumer<Topic.Member> listener) {
        leaveListeners.add(listener);
    }

    private boolean retireIfUnused() {
        if (members.isEmpty() && unseen.isEmpty() && pendingLeaves.isEmpty() && !configured) {
            retired = true;
        }
        return retired;
    }

    private void trimHistory() {
        while (history.size() > historySize) {
            history.removeFirst();
        }
    }

    /** Sends {@code frame} to every member of this node but the one with id {@code exceptId}. */
    private void sendExcept(DataFrame frame, String exceptId) {
        for (Entry entry : members.values()) {
            TopicMember local = entry.local();
            if (local != null && !entry.info().id().equals(exceptId)) {
                local.send(frame);
            }
        }
    }

    /** Sends {@code frame} to every unseen member of this node but the one with id {@code exceptId}. */
    private void sendUnseen(DataFrame frame, String exceptId) {
        for (Map.Entry<String, TopicMember> entry : unseen.entrySet()) {
            if (!entry.getKey().equals(exceptId)) {
                entry.getValue().send(frame);
            }
        }
    }

    /** Queues one run of the listeners for {@code info}; called under the monitor, so in order. */
    private void queue(List<Consumer<Topic.Member>> listeners, Topic.Member info, String kind) {
        if (listeners.isEmpty()) {
            return;
        }
        List<Consumer<Topic.Member>> now = List.copyOf(listeners);
        try {
            listenerQueue.force(() -> {
                for (Consumer<Topic.Member> listener : now) {
                    try {
                        listener.accept(info);
                    } catch (RuntimeException | Error e) {
                        if (e instanceof VirtualMachineError vme) {
                            throw vme;
                        }
                        log.warn("{} listener of topic '{}' failed for member {}", kind, name, info.id(), e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // Only once the application has closed (its executor is shut down): nothing runs any more.
            log.debug("application closed: {} listeners of topic '{}' not run for {}", kind, name, info.id());
        }
    }
}
