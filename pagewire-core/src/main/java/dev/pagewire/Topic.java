package dev.pagewire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A named group of pages for broadcast (chat rooms, tickers), with presence: who is in it, with what
 * data, and who joins and leaves. Pages join with {@link Page#join(String, Object)} and leave with
 * {@link Page#leave} or when they close. Handles from {@link Pagewire#topic} are cheap; every handle of
 * a name is the same topic.
 *
 * <p>Order: broadcasts, join and leave notifications of one topic reach every member in one and the
 * same order. A page that joins receives, before anything else of the topic, {@code pagewire:members}
 * (if {@link #announcePresence} is on) and then the kept {@link #history}, then every later broadcast:
 * no gap, no duplicate.
 *
 * <p>Lifetime: members, and the history of a topic that was never configured, last while the topic
 * has members. Configuration ({@link #history}, {@link #announcePresence}, {@link #onJoin},
 * {@link #onLeave}) and the history of a configured topic last as long as the application, members or
 * not; configure a topic before pages join it.
 *
 * <p>On a cluster (an application made with a {@link dev.pagewire.backplane.Backplane}) a topic spans
 * every node: a broadcast from any node reaches the members on all of them, and the order above is
 * the cluster's one order for the topic. Joins, leaves and broadcasts take effect when the backplane
 * hands them back to each node, so {@link #members()} and {@link #size()} are this node's view of the
 * whole cluster, eventually consistent: a join shows once its event came back (at once when the
 * application runs alone). Listeners run on every node, for every member of the cluster (see
 * {@link Member#local()} to act once per member). Configuration is per node, so every node must
 * configure a topic alike. A topic's state lasts while it has members anywhere in the cluster, or for
 * the application's life once configured. After an outage of the backplane, members that may have
 * missed broadcasts are told so with {@code pagewire:missed}, never silently (docs/TOPICS.md).
 *
 * <p>Threads: every method is thread-safe and never blocks on the network.
 */
public interface Topic {

    /**
     * One member of a topic, as {@link #members()} lists it and the listeners and the browser's
     * {@code pagewire:join} / {@code pagewire:leave} events describe it.
     *
     * @param id the member's id: a page's {@link Page#id()} for pages, {@code pageId/channelNumber}
     *     for a page's channel to an endpoint; never null
     * @param presence the data the member joined with, JSON {@code null} when none; never null.
     *     Shared by every view of the member: treat it as read-only
     * @param local whether the member lives on this node (its page is served here); always
     *     {@code true} when the application runs alone. Listeners run on every node of a cluster for
     *     every member, so code that must act once per join or leave (write a database row, send a
     *     welcome) acts where {@code local} is {@code true}
     */
    record Member(String id, JsonNode presence, boolean local) {
        /**
         * Checks the id; a {@code null} presence becomes JSON {@code null}.
         *
         * @throws NullPointerException if {@code id} is {@code null}
         */
        public Member {
            Objects.requireNonNull(id, "id");
            presence = presence == null ? NullNode.getInstance() : presence;
        }

        /**
         * A member of this node ({@code local}), as every member is when the application runs alone.
         *
         * @param id the member's id
         * @param presence the data it joined with; {@code null} becomes JSON {@code null}
         */
        public Member(String id, JsonNode presence) {
            this(id, presence, true);
        }
    }

    /** {@return the topic's name} */
    String name();

    /**
     * Sends an event to every member page, and keeps it in the topic's {@link #history} if that is
     * on. The data is converted to JSON like {@link Page#emit} and encoded once for all members (on
     * a cluster: once, and sent on to every node as it is). Never blocks.
     *
     * @param event the event's name
     * @param data anything Jackson converts to JSON, or {@code null}
     * @throws IllegalArgumentException if {@code data} cannot be converted to JSON, or the name is not
     *     1 to 128 characters or starts with the reserved prefix {@code pagewire:}
     */
    void emit(String event, Object data);

    /**
     * Sends an event to every member page except {@code except} (typically the sender, a page or one
     * of its endpoint channels, on any node; {@code null} excludes no one), and keeps it in the history
     * like {@link #emit}: a page joining later gets it too, the sender's own later joins included.
     *
     * @param except the member that does not get it, or {@code null}
     * @param event the event's name
     * @param data anything Jackson converts to JSON, or {@code null}
     * @throws IllegalArgumentException as {@link #emit} does
     */
    void emitExcept(Channel except, String event, Object data);

    /**
     * {@link #emitExcept(Channel, String, Object)} for a member known by its {@link Member#id()} (a
     * page's id: what code outside the JVM, such as the gateway's backend, knows of a page);
     * {@code null} excludes no one.
     *
     * @param memberId the id of the member that does not get it, or {@code null}
     * @param event the event's name
     * @param data anything Jackson converts to JSON, or {@code null}
     * @throws IllegalArgumentException as {@link #emit} does
     */
    void emitExceptMember(String memberId, String event, Object data);

    /**
     * {@return the number of members now, on every node of a cluster as far as this node knows} See
     * {@link #members()}.
     */
    int size();

    /**
     * The members now, in the order they joined (a member that joins again keeps its place). On a
     * cluster: the members of every node, as this node knows them; a join or leave on any node shows
     * once the backplane has handed it to this node (one's own at once when the application runs
     * alone, a moment later on a cluster).
     *
     * @return a snapshot of the members, which later joins and leaves do not change
     */
    List<Member> members();

    /**
     * Keeps the last {@code lastN} broadcasts of this topic and sends them, in order, to each page
     * that joins later, before any new broadcast; {@code 0} keeps none and forgets what was kept.
     * Lowering it forgets the oldest kept broadcasts at once. Default {@link Settings#topicHistory()}.
     * On a cluster each node keeps the history it sends its own joiners, broadcasts from every node
     * included; set the same value on every node.
     * The history is sent to a joining page like any of its events (numbered, resent on reconnect,
     * within its replay bounds), so keep it to what a late joiner needs.
     *
     * @param lastN how many broadcasts to keep; {@code 0} for none
     * @return this topic
     * @throws IllegalArgumentException if {@code lastN} is negative
     */
    Topic history(int lastN);

    /**
     * Turns presence events on or off for the browsers of this topic's members (default off). When
     * on, a page that joins first receives {@code pagewire:members}
     * {@code {"topic":t,"members":[{"id":…,"presence":…},…]}} (the members before it, in join order),
     * and every member receives {@code pagewire:join} {@code {"topic":t,"member":{"id":…,"presence":…}}}
     * when another member joins, or joins again with new presence data (so a browser keeps a map by
     * id), and {@code pagewire:leave} of the same shape when another member leaves or closes.
     *
     * @param on {@code true} to send presence events, {@code false} to stop
     * @return this topic
     */
    Topic announcePresence(boolean on);

    /**
     * Calls {@code listener} with each member that joins, and again when a member joins again with new
     * presence data. Listeners of one topic run one at a time, in the order of the joins and leaves,
     * on a virtual thread of the application, never while a lock of Pagewire's is held, so they may
     * block and may call back into Pagewire. A listener that throws is logged; the others still run.
     *
     * <p>On a cluster every node calls its listeners for every member of the cluster, wherever the
     * member lives: a listener that keeps a count of the members is right on every node, while one
     * with an effect outside the node acts only for a {@link Member#local()} member, or it acts once
     * per node. After an outage of the backplane, the listeners also hear the joins and leaves this
     * node missed, and possibly a member of this node joining again with the same presence. Register
     * listeners on every node alike.
     *
     * @param listener called with the member that joined
     */
    void onJoin(Consumer<Member> listener);

    /**
     * Calls {@code listener} with each member that leaves, by {@link Page#leave} or by closing; on the
     * same terms as {@link #onJoin}.
     *
     * @param listener called with the member that left
     */
    void onLeave(Consumer<Member> listener);
}
