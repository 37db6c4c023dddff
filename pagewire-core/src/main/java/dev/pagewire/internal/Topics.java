package dev.pagewire.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.Channel;
import dev.pagewire.Topic;
import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.backplane.TopicSnapshot;
import dev.pagewire.internal.protocol.DataFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's topics, kept through the backplane: every broadcast, join and leave is published to
 * {@link App#backplane()}, and the topic's state changes only when the backplane hands the event
 * back ({@link #apply}), in the topic's one order for the whole cluster. When the application runs
 * alone the in-memory backplane hands it back at once, on the publishing thread, so a join or a
 * broadcast has taken effect when the call returns.
 *
 * <p>A topic's {@link TopicState} exists while it has members anywhere in the cluster, while a leave
 * of this node is under way, or once it is configured (then for the application's life); the
 * handles {@link #topic} returns look it up by name on each use. A broadcast is encoded once: its
 * bytes go through the backplane as they are, every node wraps them in one shared
 * {@link DataFrame}, and each member only splices in its own sequence number
 * ({@link DataFrame#numbered}). Members of this node are {@link TopicMember}s of any kind, found by
 * id in a registry of the members that joined a topic; the others are known by id, node and
 * presence.
 *
 * <p>Locks: nothing here publishes while it holds a {@link TopicState}'s monitor, which the
 * backplane's delivery takes (on one node, under the backplane's own lock, on the publishing thread).
 * Thread-safe.
 */
final class Topics {

    private static final Logger log = LoggerFactory.getLogger(Topics.class);

    private final App app;
    private final Map<String, TopicState> states = new ConcurrentHashMap<>();
    /**
     * The members of this node that joined a topic, until they close, by member id: a page's own
     * channel has the page's id, each of its endpoint channels {@code pageId/number}.
     */
    private final Map<String, Memberships> locals = new ConcurrentHashMap<>();

    Topics(App app) {
        this.app = app;
    }

    /** Topics with state here (metrics). */
    int count() {
        return states.size();
    }

    /** This node's members of at least one topic (metrics). */
    int localMembers() {
        return locals.size();
    }

    /** The {@code n} topics with the most members in the cluster, largest first, with their sizes (dashboard). */
    Map<String, Integer> largest(int n) {
        Map<String, Integer> sized = new HashMap<>();
        states.forEach((name, state) -> sized.put(name, state.size()));
        Map<String, Integer> largest = new LinkedHashMap<>();
        sized.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue()
                        .reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(n)
                .forEach(e -> largest.put(e.getKey(), e.getValue()));
        return largest;
    }

    Topic topic(String name) {
        return new Handle(Objects.requireNonNull(name, "name"));
    }

    // ---- what Memberships publishes (under its own lock, never under a TopicState's)

    /** {@code memberships} is a member of this node from now on, until {@link #unregister}. */
    void register(Memberships memberships) {
        locals.put(memberships.member().memberId(), memberships);
    }

    void unregister(Memberships memberships) {
        locals.remove(memberships.member().memberId(), memberships);
    }

    /** Publishes {@code member}'s join of {@code topic} (or new presence) for the cluster to apply. */
    void publishJoin(String topic, TopicMember member, byte[] presence) {
        app.backplane().publish(TopicEvent.join(topic, member.memberId(), app.node(), presence));
    }

    /** {@code member}, whose page has not connected yet, hears {@code topic} as no member (TopicState#joinUnseen). */
    void joinUnseen(String topic, TopicMember member) {
        current(topic, state -> state.joinUnseen(member.memberId(), member));
    }

    /** {@code member}, still unseen, leaves {@code topic}: nobody hears of it. */
    void leaveUnseen(String topic, TopicMember member) {
        TopicState state = states.get(topic);
        if (state != null && state.leaveUnseen(member.memberId())) {
            states.remove(topic, state);
        }
    }

    /**
     * Publishes {@code member}'s leave of {@code topic}. The member hears nothing more of the topic
     * from now on, though it counts as a member until the leave comes back.
     */
    void publishLeave(String topic, TopicMember member) {
        String id = member.memberId();
        current(topic, state -> state.leaving(id));
        app.backplane().publish(TopicEvent.leave(topic, id));
    }

    private void publishBroadcast(String topic, DataFrame frame, Channel except) {
        String exceptId = except instanceof TopicMember m ? m.memberId() : null;
        app.backplane().publish(TopicEvent.broadcast(topic, exceptId, frame.encoded(), historyOf(topic)));
    }

    /** How many broadcasts of {@code topic} the cluster keeps for late joiners. */
    private int historyOf(String topic) {
        TopicState state = states.get(topic);
        // A topic without state here has no members and was never configured: the cluster keeps nothing.
        return state == null ? 0 : state.historySize();
    }

    // ---- what the backplane delivers (ClusterNode)

    /**
     * One event of a topic, in the topic's order. Never blocks: sends to this node's members are
     * queued by them. A failure is a bug, logged here so that it does not surface in the code that
     * happened to publish (on one node, the event is applied on the publishing thread).
     */
    void apply(TopicEvent event) {
        try {
            switch (event.kind()) {
                case BROADCAST -> {
                    TopicState state = states.get(event.topic());
                    if (state != null) {
                        state.broadcast(DataFrame.fromEncoded(event.payload()), event.member(), event.seq());
                    }
                }
                case JOIN -> {
                    JsonNode presence = Presence.parse(event.payload());
                    Memberships owner = locals.get(event.member());
                    TopicMember candidate = owner != null && owner.isIn(event.topic()) ? owner.member() : null;
                    boolean here = event.node() == app.node();
                    current(event.topic(), state -> state.join(event.member(), presence, here, candidate, event.seq()));
                }
                case LEAVE -> {
                    TopicState state = states.get(event.topic());
                    if (state != null && state.leave(event.member(), event.seq())) {
                        states.remove(event.topic(), state);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.error("topic event {} could not be applied", event, e);
        }
    }

    /**
     * The cluster's topics as of a snapshot: every topic's members and history are taken from it.
     * After an outage, joins of this node's members that the cluster lost are published again, and
     * leaves it lost too; members hear what they may have missed ({@link TopicState#reset}).
     */
    void reset(TopicSnapshot snapshot, boolean afterOutage) {
        int thisNode = app.node();
        Map<String, List<String>> joinedHere = afterOutage ? joinedHere() : Map.of();
        Set<String> names = new LinkedHashSet<>(snapshot.topics().keySet());
        names.addAll(states.keySet());
        names.addAll(joinedHere.keySet());
        for (String name : names) {
            TopicSnapshot.Topic topic = snapshot.topics().get(name);
            List<String> here = joinedHere.getOrDefault(name, List.of());
            TopicState.Reset[] done = new TopicState.Reset[1];
            Predicate<TopicState> reset = state -> {
                done[0] = state.reset(topic, id -> localIn(name, id), here, thisNode, afterOutage);
                return done[0] != null;
            };
            TopicState state;
            if (topic == null && here.isEmpty()) {
                // Nothing of it in the cluster: reset the state this node has, if any, without making one.
                state = states.get(name);
                if (state == null || !reset.test(state)) {
                    continue;
                }
            } else {
                state = current(name, reset);
            }
            if (done[0].retired()) {
                states.remove(name, state);
            }
            for (String id : done[0].rejoin()) {
                Memberships m = locals.get(id);
                if (m != null) {
                    m.rejoin(name);
                }
            }
            for (String id : done[0].leave()) {
                Memberships m = locals.get(id);
                if (m != null) {
                    m.leaveUnlessIn(name);
                } else {
                    // Closed, so it cannot join again: no join of its can race with this leave.
                    app.backplane().publish(TopicEvent.leave(name, id));
                }
            }
        }
    }

    /** The channel of member {@code id} if it lives here and is in {@code topic} now. Takes no lock. */
    private TopicMember localIn(String topic, String id) {
        Memberships m = locals.get(id);
        return m != null && m.isIn(topic) ? m.member() : null;
    }

    /** Topic name to the ids of this node's members in it now. */
    private Map<String, List<String>> joinedHere() {
        Map<String, List<String>> byTopic = new HashMap<>();
        for (Memberships m : locals.values()) {
            for (String topic : m.topics()) {
                byTopic.computeIfAbsent(topic, t -> new ArrayList<>())
                        .add(m.member().memberId());
            }
        }
        return byTopic;
    }

    // ---- states

    private TopicState newState(String topic) {
        return new TopicState(topic, app.codec(), app.executor(), app.settings().topicHistory());
    }

    /** The topic's state, made to live as long as the application. */
    private TopicState configured(String topic) {
        return current(topic, TopicState::pin);
    }

    /** The topic's state once {@code use} succeeded on it, creating it if needed. */
    private TopicState current(String topic, Predicate<TopicState> use) {
        TopicState state = states.computeIfAbsent(topic, this::newState);
        while (!use.test(state)) {
            // Retired by its last member's leave between the lookup and the lock: use a new one.
            states.remove(topic, state);
            state = states.computeIfAbsent(topic, this::newState);
        }
        return state;
    }

    private final class Handle implements Topic {
        private final String name;

        Handle(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void emit(String event, Object data) {
            publishBroadcast(name, app.codec().event(event, data), null);
        }

        @Override
        public void emitExcept(Channel except, String event, Object data) {
            publishBroadcast(name, app.codec().event(event, data), except);
        }

        @Override
        public void emitExceptMember(String memberId, String event, Object data) {
            app.backplane()
                    .publish(TopicEvent.broadcast(
                            name, memberId, app.codec().event(event, data).encoded(), historyOf(name)));
        }

        @Override
        public int size() {
            TopicState state = states.get(name);
            return state == null ? 0 : state.size();
        }

        @Override
        public List<Member> members() {
            TopicState state = states.get(name);
            return state == null ? List.of() : state.members();
        }

        @Override
        public Topic history(int lastN) {
            if (lastN < 0) {
                throw new IllegalArgumentException("history must be 0 or more broadcasts, got " + lastN);
            }
            configured(name).history(lastN);
            return this;
        }

        @Override
        public Topic announcePresence(boolean on) {
            configured(name).announce(on);
            return this;
        }

        @Override
        public void onJoin(Consumer<Member> listener) {
            configured(name).onJoin(Objects.requireNonNull(listener, "listener"));
        }

        @Override
        public void onLeave(Consumer<Member> listener) {
            configured(name).onLeave(Objects.requireNonNull(listener, "listener"));
        }

        @Override
        public String toString() {
            return "Topic[" + name + ", " + size() + " members]";
        }
    }
}
