package dev.pagewire.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.Channel;
import dev.pagewire.Topic;
import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.backplane.TopicSnapshot;
import dev.pagewire.internal.protocol.DataFrame;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The local topic registry: topic name to {@link TopicState}. A topic's state exists while it has
 * members or once it is configured (then for the application's life); the handles {@link #topic}
 * returns look it up by name on each use. A broadcast is encoded once; each member only splices in
 * its own sequence number ({@link DataFrame#numbered}). Members are {@link TopicMember}s of any
 * kind. Thread-safe.
 */
final class Topics {

    private final App app;
    private final Map<String, TopicState> states = new ConcurrentHashMap<>();

    Topics(App app) {
        this.app = app;
    }

    Topic topic(String name) {
        return new Handle(Objects.requireNonNull(name, "name"));
    }

    /**
     * Adds {@code member} to {@code topic} with {@code presence} (converted to JSON), or updates its
     * presence if it is a member already.
     *
     * @throws IllegalArgumentException if {@code presence} cannot be converted to JSON
     */
    void join(String topic, TopicMember member, Object presence) {
        JsonNode data = Json.mapper().valueToTree(presence);
        current(topic, state -> state.join(member, data));
    }

    /** Removes {@code member} from {@code topic}; a no-op if it is not a member. */
    void leave(String topic, TopicMember member) {
        TopicState state = states.get(topic);
        if (state != null && state.leave(member)) {
            states.remove(topic, state);
        }
    }

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

    /** The cluster's topics as of a snapshot (docs/CLUSTER.md); nothing to do while this node runs alone. */
    void reset(TopicSnapshot snapshot, boolean afterOutage) {
        if (!snapshot.topics().isEmpty() || afterOutage) {
            throw new UnsupportedOperationException("topics across a cluster are not applied yet");
        }
    }

    /** One topic event of the cluster's order (docs/CLUSTER.md). */
    void apply(TopicEvent event) {
        throw new UnsupportedOperationException("topics across a cluster are not applied yet: " + event);
    }

    private void broadcast(String topic, DataFrame frame, Channel except) {
        TopicState state = states.get(topic);
        if (state != null) {
            state.broadcast(frame, except instanceof TopicMember m ? m.memberId() : null);
        }
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
            broadcast(name, app.codec().event(event, data), null);
        }

        @Override
        public void emitExcept(Channel except, String event, Object data) {
            broadcast(name, app.codec().event(event, data), except);
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
