package dev.pagewire.backplane;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every topic's state as the cluster keeps it: what a node needs to continue, for each topic, with
 * the events numbered above that topic's {@link Topic#seq}. A topic absent here has no members and
 * no kept broadcasts; its events continue from any number.
 *
 * @param topics each topic with members or kept broadcasts, by name
 */
public record TopicSnapshot(Map<String, Topic> topics) {

    /** Copies the map: a snapshot does not change. */
    public TopicSnapshot {
        topics = Map.copyOf(topics);
    }

    /** {@return a snapshot with no topics} */
    public static TopicSnapshot empty() {
        return new TopicSnapshot(Map.of());
    }

    /**
     * One topic's state.
     *
     * @param seq the number of the topic's last event this state includes
     * @param members its members in join order
     * @param history its kept broadcasts, oldest first
     */
    public record Topic(long seq, List<Member> members, List<Broadcast> history) {
        /** Copies the lists: a snapshot does not change. */
        public Topic {
            members = List.copyOf(members);
            history = List.copyOf(history);
        }
    }

    /**
     * A member of a topic.
     *
     * @param id the member's id (a page's id)
     * @param node the node it lives on
     * @param presence its presence as JSON text in UTF-8
     */
    public record Member(String id, int node, byte[] presence) {
        /**
         * Checks the fields that are never {@code null}.
         *
         * @throws NullPointerException if {@code id} or {@code presence} is {@code null}
         */
        public Member {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(presence, "presence");
        }
    }

    /**
     * A kept broadcast.
     *
     * @param seq its number in its topic's order
     * @param frame the encoded event frame
     */
    public record Broadcast(long seq, byte[] frame) {
        /**
         * Checks the frame.
         *
         * @throws NullPointerException if {@code frame} is {@code null}
         */
        public Broadcast {
            Objects.requireNonNull(frame, "frame");
        }
    }
}
