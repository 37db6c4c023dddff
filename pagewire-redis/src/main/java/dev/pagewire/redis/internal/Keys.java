package dev.pagewire.redis.internal;

import java.nio.charset.StandardCharsets;

/**
 * The names of this backplane's channels and of the few keys Java reads directly; the Lua scripts
 * build the other key names themselves from the same prefix (see {@code prelude.lua}, which lists
 * every key). Immutable.
 */
final class Keys {

    private final String prefix;
    private final byte[] prefixBytes;
    private final byte[] topicsChannel;
    private final byte[] clusterChannel;
    private final byte[] topicSeq;
    private final byte[] topicIndex;

    Keys(String prefix) {
        this.prefix = prefix;
        this.prefixBytes = bytes(prefix);
        this.topicsChannel = bytes(prefix + ":topics");
        this.clusterChannel = bytes(prefix + ":cluster");
        this.topicSeq = bytes(prefix + ":topic-seq");
        this.topicIndex = bytes(prefix + ":topic-index");
    }

    /** The prefix, passed to every script as its first argument. */
    byte[] prefix() {
        return prefixBytes;
    }

    /** Where node {@code node} receives the messages other nodes {@code send} it. */
    byte[] nodeChannel(int node) {
        return bytes(prefix + ":n:" + node);
    }

    /** Where every topic event is published, by the script that put it into its topic's order. */
    byte[] topicsChannel() {
        return topicsChannel;
    }

    /** Where nodes announce that they joined, drain or left, so that others need not wait a refresh. */
    byte[] clusterChannel() {
        return clusterChannel;
    }

    /** The counter that numbers every topic event (the last number given). */
    byte[] topicSeq() {
        return topicSeq;
    }

    /** The set of topics that have members or kept broadcasts. */
    byte[] topicIndex() {
        return topicIndex;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return prefix;
    }
}
