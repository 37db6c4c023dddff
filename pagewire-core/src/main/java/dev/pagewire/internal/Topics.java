package dev.pagewire.internal;

import dev.pagewire.Channel;
import dev.pagewire.Topic;
import dev.pagewire.internal.protocol.DataFrame;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local topic registry: topic name to member pages. A topic exists while it has members; the
 * handles {@link #topic} returns look members up by name on each use. A broadcast is encoded once;
 * each member only splices in its own sequence number ({@link DataFrame#numbered}). Thread-safe.
 */
final class Topics {

    private final App app;
    private final Map<String, Set<TopicMember>> members = new ConcurrentHashMap<>();

    Topics(App app) {
        this.app = app;
    }

    Topic topic(String name) {
        return new Handle(Objects.requireNonNull(name, "name"));
    }

    void add(String topic, TopicMember page) {
        members.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(page);
    }

    void remove(String topic, TopicMember page) {
        members.computeIfPresent(topic, (t, pages) -> {
            pages.remove(page);
            return pages.isEmpty() ? null : pages;
        });
    }

    private void broadcast(String topic, DataFrame frame, Channel except) {
        Set<TopicMember> pages = members.get(topic);
        if (pages == null) {
            return;
        }
        for (TopicMember page : pages) {
            if (page != except) {
                page.send(frame);
            }
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
            Set<TopicMember> pages = members.get(name);
            return pages == null ? 0 : pages.size();
        }

        @Override
        public String toString() {
            return "Topic[" + name + ", " + size() + " pages]";
        }
    }
}
