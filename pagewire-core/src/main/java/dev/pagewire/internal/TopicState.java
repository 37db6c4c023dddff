package dev.pagewire.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagewire.Topic;
import dev.pagewire.internal.protocol.DataFrame;
import dev.pagewire.internal.protocol.FrameCodec;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic: its members with their presence, its kept history, its configuration and its
 * listeners. Joins, leaves and broadcasts each hold this object's monitor while they send, so they
 * reach every member in one order, and a joiner's history snapshot and its registration are one
 * step against broadcasts: no gap, no duplicate. Sending never blocks ({@link TopicMember#send}).
 * Listeners run on their own {@link Mailbox}, queued under the monitor (so in order) and run
 * without it.
 *
 * <p>The registry drops a state that has no members and was never configured: {@link #leave}
 * retires it, and a retired state refuses joins and configuration so that callers fetch a new one.
 */
final class TopicState {

    private static final Logger log = LoggerFactory.getLogger(TopicState.class);

    static final String MEMBERS = FrameCodec.SYSTEM_PREFIX + "members";
    static final String JOIN = FrameCodec.SYSTEM_PREFIX + "join";
    static final String LEAVE = FrameCodec.SYSTEM_PREFIX + "leave";

    private record Joined(TopicMember member, Topic.Member info) {}

    private final String name;
    private final FrameCodec codec;
    private final Mailbox listenerQueue;
    private final List<Consumer<Topic.Member>> joinListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Topic.Member>> leaveListeners = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private final LinkedHashMap<String, Joined> members = new LinkedHashMap<>();
    private final ArrayDeque<DataFrame> history = new ArrayDeque<>();
    private int historySize;
    private boolean announce;
    private boolean configured;
    private boolean retired;

    TopicState(String name, FrameCodec codec, Executor executor, int historySize) {
        this.name = name;
        this.codec = codec;
        this.listenerQueue = new Mailbox(executor, Integer.MAX_VALUE);
        this.historySize = historySize;
    }

    /**
     * Adds {@code member}, or replaces its presence if it is one already.
     *
     * @return {@code false} if this state is retired and the caller must use a new one
     */
    synchronized boolean join(TopicMember member, JsonNode presence) {
        if (retired) {
            return false;
        }
        Topic.Member info = new Topic.Member(member.memberId(), presence);
        boolean again = members.containsKey(info.id());
        if (!again && announce) {
            member.send(membersFrame());
        }
        // On a key already present, put keeps the member's place in the join order.
        members.put(info.id(), new Joined(member, info));
        if (!again) {
            for (DataFrame frame : history) {
                member.send(frame);
            }
        }
        if (announce) {
            sendExcept(presenceFrame(JOIN, info), info.id());
        }
        queue(joinListeners, info, "join");
        return true;
    }

    /**
     * Removes {@code member} if it is this very member.
     *
     * @return {@code true} if this state retired itself (no members left, never configured): the
     *     registry must drop it
     */
    synchronized boolean leave(TopicMember member) {
        Joined joined = members.get(member.memberId());
        if (joined == null || joined.member() != member) {
            return false;
        }
        members.remove(member.memberId());
        if (announce) {
            sendExcept(presenceFrame(LEAVE, joined.info()), null);
        }
        queue(leaveListeners, joined.info(), "leave");
        if (members.isEmpty() && !configured) {
            retired = true;
        }
        return retired;
    }

    /** Sends {@code frame} to every member but the one with id {@code exceptId}, and keeps it. */
    synchronized void broadcast(DataFrame frame, String exceptId) {
        if (historySize > 0) {
            history.addLast(frame);
            trimHistory();
        }
        sendExcept(frame, exceptId);
    }

    synchronized int size() {
        return members.size();
    }

    synchronized List<Topic.Member> members() {
        return members.values().stream().map(Joined::info).toList();
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

    private void trimHistory() {
        while (history.size() > historySize) {
            history.removeFirst();
        }
    }

    private void sendExcept(DataFrame frame, String exceptId) {
        for (Joined joined : members.values()) {
            if (!joined.info().id().equals(exceptId)) {
                joined.member().send(frame);
            }
        }
    }

    private DataFrame membersFrame() {
        ArrayNode list = Json.mapper().createArrayNode();
        for (Joined joined : members.values()) {
            list.add(json(joined.info()));
        }
        ObjectNode data = topicObject();
        data.set("members", list);
        return codec.systemEvent(MEMBERS, data);
    }

    private DataFrame presenceFrame(String event, Topic.Member info) {
        ObjectNode data = topicObject();
        data.set("member", json(info));
        return codec.systemEvent(event, data);
    }

    private ObjectNode topicObject() {
        return Json.mapper().createObjectNode().put("topic", name);
    }

    private static ObjectNode json(Topic.Member info) {
        ObjectNode member = Json.mapper().createObjectNode().put("id", info.id());
        member.set("presence", info.presence());
        return member;
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
