package dev.pagewire.redis.internal;

import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.backplane.TopicSnapshot;
import dev.pagewire.redis.internal.TopicFeed.ClusterSnapshot;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The topics as Redis keeps them. {@link #publish} runs {@code publish.lua}, which numbers an event,
 * applies it to the topic's members and kept broadcasts and publishes it, all at once, so that every
 * node receives a topic's events in the order of their numbers. {@link #read} reads every topic for
 * a snapshot.
 *
 * <p>Threads: thread-safe; never blocks.
 */
final class TopicStore {

    private final RedisLink link;
    private final Keys keys;
    private final Consumer<Throwable> lost;

    /**
     * @param lost told of each event Redis did not take (not connected, too many waiting, scripts
     *     gone); must not block
     */
    TopicStore(RedisLink link, Keys keys, Consumer<Throwable> lost) {
        this.link = link;
        this.keys = keys;
        this.lost = lost;
    }

    /** Puts {@code event} into its topic's order; if Redis does not take it, tells {@code lost}. */
    void publish(TopicEvent event) {
        String kind = switch (event.kind()) {
            case BROADCAST -> "B";
            case JOIN -> "J";
            case LEAVE -> "L";
        };
        String member = event.member();
        try {
            link.<Long>run(
                            Script.PUBLISH,
                            ScriptOutputType.INTEGER,
                            keys.prefix(),
                            Keys.bytes(kind),
                            Keys.bytes(event.topic()),
                            Keys.bytes(member == null ? "" : member),
                            Keys.bytes(member == null ? "0" : "1"),
                            Keys.bytes(Integer.toString(event.node())),
                            Keys.bytes(Integer.toString(event.history())),
                            event.payload())
                    .whenComplete((seq, failure) -> {
                        if (failure != null) {
                            lost.accept(failure);
                        }
                    });
        } catch (RuntimeException e) {
            lost.accept(e);
        }
    }

    /**
     * Every topic: first the topic counter (the floor: events numbered up to it happened before the
     * read), then the index of topics, then each topic read atomically by {@code snapshot.lua}. The
     * commands go out back to back on one connection, so Redis runs them in this order.
     */
    CompletableFuture<ClusterSnapshot> read() {
        CompletableFuture<byte[]> counter = link.get(keys.topicSeq()).toCompletableFuture();
        CompletableFuture<Set<byte[]>> names = link.members(keys.topicIndex()).toCompletableFuture();
        return counter.thenCombine(names, (seq, topics) -> {
                    Map<String, CompletableFuture<List<Object>>> reads = new HashMap<>();
                    for (byte[] name : topics) {
                        reads.put(
                                new String(name, StandardCharsets.UTF_8),
                                link.<List<Object>>run(Script.SNAPSHOT, ScriptOutputType.MULTI, keys.prefix(), name)
                                        .toCompletableFuture());
                    }
                    return new Reads(seq == null ? 0 : TopicWire.number(seq), reads);
                })
                .thenCompose(
                        reads -> CompletableFuture.allOf(reads.topics().values().toArray(CompletableFuture[]::new))
                                .thenApply(done -> reads.snapshot()));
    }

    /** The counter as read first, and each topic's read under way. */
    private record Reads(long floor, Map<String, CompletableFuture<List<Object>>> topics) {

        /** Once every read is done. */
        ClusterSnapshot snapshot() {
            Map<String, TopicSnapshot.Topic> all = new HashMap<>();
            topics.forEach((name, reply) -> {
                TopicSnapshot.Topic topic = TopicWire.topic(reply.join());
                if (topic != null) {
                    all.put(name, topic);
                }
            });
            return new ClusterSnapshot(new TopicSnapshot(all), floor);
        }
    }
}
